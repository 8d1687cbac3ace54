"""Expressions -> closures `ev(f) -> value` (the expression half of the compiler).

The hot paths — a tensor op on two tensors, a built-in call with positional arguments, a name
load — are closures specialised at compile time; everything else goes through the general
helpers of `compiler.py`.
"""
from __future__ import annotations

from ..autograd import functions as fn
from ..autograd.tensor import Tensor, const, mode
from ..errors import GNameError, GradcliError, GTypeError, GValueError
from . import ast as A
from .builtins import BUILTINS, TENSOR_METHODS, _plain_kwargs
from .chains import ChainValue, is_long_chain, links, with_value
from ..render.values import format_value
from .values import BuiltinFunction, Number, number, type_name

_Tensor, _Number, _BF = Tensor, Number, BuiltinFunction
_mode = mode
_MISSING = object()


class ExprCompiler:
    """Mixin of `Compiler`: `expr(node)` returns the closure for an expression node."""

    def expr(self, node):
        method = getattr(self, "e_" + type(node).__name__)
        return method(node)

    # ----- atoms -----
    def e_Num(self, node):
        is_int = float(node.value).is_integer() and not self._looks_float(node)
        c = number(node.value, is_int)
        return lambda f: c

    def _looks_float(self, node):
        sp = node.span
        try:
            line = self.lines[sp.line - 1]
            end = sp.end_column if sp.end_line == sp.line and sp.end_column else len(line) + 1
            text = line[sp.column - 1:end - 1]
        except (IndexError, TypeError):
            return False
        return any(ch in text for ch in ".eE")

    def e_Str(self, node):
        s = node.value
        return lambda f: s

    def e_FString(self, node):
        pieces = [p if type(p) is str else self.expr(p) for p in node.values]
        if len(pieces) == 1 and type(pieces[0]) is not str:
            return pieces[0]
        return lambda f: "".join([p if type(p) is str else p(f) for p in pieces])

    def e_FormattedValue(self, node):
        value, conversion, span = self.expr(node.value), node.conversion, node.value.span
        spec = self.expr(node.format_spec) if node.format_spec is not None else None

        def ev(f):
            v = value(f)
            s = spec(f) if spec is not None else ""
            try:
                return format_value(v, conversion, s, type_name)
            except GradcliError as e:
                raise e.at(span)
        return ev

    def e_Const(self, node):
        v = node.value
        return lambda f: v

    def e_Name(self, node):
        UNBOUND = _C.UNBOUND
        name, span = node.id, node.span
        if self.slots is not None and name in self.slots:
            i = self.slots[name]

            def local(f):
                v = f[i]
                if v is UNBOUND:
                    raise GNameError(f"'{name}' is used before it is assigned in this function",
                                     span)
                return v
            return local
        for depth, outer in enumerate(getattr(self, "enclosing", ()), 1):
            if name in outer:                   # a variable of an enclosing function (a closure)
                return _closure_load(name, outer[name], depth, span)
        G = self.session.globals
        session = self.session
        builtin = BUILTINS.get(name, _MISSING)
        if builtin is not _MISSING:
            # A built-in's name (`sin`, `tanh`): found in the globals only when the script
            # rebinds it, so no KeyError is raised and caught on every call.
            def builtin_or_glob(f):
                v = G.get(name, _MISSING)
                return builtin if v is _MISSING else v
            return builtin_or_glob

        def glob(f):
            try:
                return G[name]
            except KeyError:
                pass
            try:
                return BUILTINS[name]
            except KeyError:
                pass
            if session.free_symbol is not None and name in session.wrt:
                return session.free_symbol(name)      # --formula: a --wrt name nothing binds
            raise session.unknown_name(name, span)
        return glob

    def e_ListExpr(self, node):
        elts = [self.expr(e) for e in node.elts]
        return lambda f: [e(f) for e in elts]

    def e_TupleExpr(self, node):
        elts = [self.expr(e) for e in node.elts]
        return lambda f: tuple(e(f) for e in elts)

    # ----- operators -----
    def e_UnaryOp(self, node):
        to_tensor_operand, truth = _C.to_tensor_operand, _C.truth
        operand, span, op = self.expr(node.operand), node.span, node.op
        if op == "not":
            def ev_not(f):
                try:
                    return not truth(operand(f))
                except GradcliError as e:
                    raise e.at(span)
            return ev_not

        def ev(f):
            v = operand(f)
            try:
                if type(v) is _Number:
                    return v if op == "+" else number(-v.data, v.is_int)
                t = to_tensor_operand(v, op)
                if op == "+":
                    return t
                _mode.site = span
                return fn.neg(t)
            except GradcliError as e:
                raise e.at(span)
        return ev

    def e_BinOp(self, node):
        # A left-leaning chain `a + b - c * d …` is walked without recursion, so a flat sum of
        # 100,000 terms compiles and runs with a flat Python stack.
        chain = []
        while isinstance(node, A.BinOp) and node.op != "**":
            chain.append(node)
            node = node.left
        if not chain:            # a `**` chain leans right: a ** (b ** (c …))
            return self._power_chain(node)
        ev = self.expr(node)
        if len(chain) > 8:       # long: one loop, not a closure nested per operator
            return self._flat_chain(ev, list(reversed(chain)))
        for n in reversed(chain):
            ev = self._binop(n.op, ev, n.right, n.span)
        return ev

    def _flat_chain(self, first, nodes):
        binop = _C.binop
        steps = [(n.op, self.expr(n.right) if not isinstance(n.right, A.BinOp) else self.e_BinOp(n.right),
                  n.span) for n in nodes]

        def ev(f):
            v = first(f)
            for op, right, span in steps:
                r = right(f)
                try:
                    _mode.site = span
                    v = binop(op, v, r)
                except GradcliError as e:
                    raise e.at(span)
            return v
        return ev

    def _power_chain(self, node):
        chain = []
        while isinstance(node, A.BinOp) and node.op == "**":
            chain.append(node)
            node = node.right
        ev = self.expr(node)
        for n in reversed(chain):
            left = n.left
            ev = self._binop("**", self.expr(left) if not isinstance(left, A.BinOp) else
                             self.e_BinOp(left), None, n.span, right_ev=ev)
        return ev

    def _binop(self, op, left, right_node, span, right_ev=None):
        _BINOPS, binop = _C._BINOPS, _C.binop
        fop = _BINOPS[op]
        if right_ev is None and isinstance(right_node, A.Num):
            # A literal on the right: its tensor is made once.
            rnum = self.e_Num(right_node)(None)
            rc = const(rnum.data)

            def ev_const(f):
                l = left(f)
                try:
                    if type(l) is _Tensor:
                        _mode.site = span
                        return fop(l, rc)
                    return binop(op, l, rnum)
                except GradcliError as e:
                    raise e.at(span)
            return ev_const
        right = right_ev or (self.expr(right_node) if not isinstance(right_node, A.BinOp)
                             else self.e_BinOp(right_node))

        def ev(f):
            l = left(f)
            r = right(f)
            try:
                if type(l) is _Tensor and type(r) is _Tensor:
                    _mode.site = span
                    return fop(l, r)
                _mode.site = span
                return binop(op, l, r)
            except GradcliError as e:
                raise e.at(span)
        return ev

    def e_BoolOp(self, node):
        truth = _C.truth
        chain, op = [], node.op
        while isinstance(node, A.BoolOp) and node.op == op:
            chain.append((node.right, node.span))
            node = node.left
        first = self.expr(node)
        rest = [(self.expr(r), sp) for r, sp in reversed(chain)]
        want = op == "or"

        def ev(f):
            v = first(f)
            for e, sp in rest:
                try:
                    if truth(v) == want:
                        return v
                except GradcliError as err:
                    raise err.at(sp)
                v = e(f)
            return v
        return ev

    def e_Compare(self, node):
        compare, truth = _C.compare, _C.truth
        left = self.expr(node.left)
        parts = [(op, self.expr(c)) for op, c in zip(node.ops, node.comparators)]
        span = node.span
        if len(parts) == 1:
            op, right = parts[0]

            def ev1(f):
                l, r = left(f), right(f)
                try:
                    return compare(op, l, r)
                except GradcliError as e:
                    raise e.at(span)
            return ev1

        def ev(f):
            l = left(f)
            try:
                for op, e in parts:
                    r = e(f)
                    res = compare(op, l, r)
                    if not truth(res):
                        return res
                    l = r
                return res
            except GradcliError as err:
                raise err.at(span)
        return ev

    def e_IfExp(self, node):
        truth = _C.truth
        test, body, orelse, span = self.expr(node.test), self.expr(node.body), self.expr(node.orelse), node.span

        def ev(f):
            try:
                t = truth(test(f))
            except GradcliError as e:
                raise e.at(span)
            return body(f) if t else orelse(f)
        return ev

    # ----- postfix -----
    def _postfix_chain(self, node):
        """A long chain of calls, indexes and attributes (`x.abs().abs()…`, `x[0:3][0:3]…`) as one
        loop over its links, so that neither compiling nor running it recurses once per link (§11:
        a flat chain works at any length). Each link is compiled by the usual method with its
        inner value replaced by a `ChainValue` that reads the value so far from a cell. Sharing
        one cell is safe although a link may run G code (a user function in its arguments, which
        may run this very chain): every postfix closure evaluates its inner value first, before
        anything else, so the cell is read right after the loop set it."""
        chain, base = links(node)
        cell = [None]
        hole = ChainValue(base.span, cell)
        steps = [self.expr(with_value(link, hole)) for link in reversed(chain)]
        first = self.expr(base)

        def ev(f):
            v = first(f)
            for step in steps:
                cell[0] = v
                v = step(f)
            cell[0] = None              # do not keep the last intermediate value alive
            return v
        return ev

    def e_ChainValue(self, node):
        cell = node.cell
        return lambda f: cell[0]

    def e_Attribute(self, node):
        if is_long_chain(node):
            return self._postfix_chain(node)
        get_attr = _C.get_attr
        value, name, span = self.expr(node.value), node.attr, node.span

        def ev(f):
            v = value(f)
            try:
                return get_attr(v, name)
            except GradcliError as e:
                raise e.at(span)
        return ev

    def e_Subscript(self, node):
        if is_long_chain(node):
            return self._postfix_chain(node)
        value, span = self.expr(node.value), node.span
        index = self.index(node.index)

        def ev(f):
            v = value(f)
            i = index(f)
            try:
                _mode.site = span
                return subscript(v, i)
            except GradcliError as e:
                raise e.at(span)
        return ev

    def index(self, items):
        parts = []
        for it in items:
            if isinstance(it, A.Slice):
                lo, hi, st = (self.expr(x) if x is not None else None for x in (it.lower, it.upper, it.step))
                parts.append(("slice", lo, hi, st))
            else:
                parts.append(("item", self.expr(it), None, None))
        single = len(items) == 1

        def ev(f):
            out = []
            for kind, a, b, c in parts:
                if kind == "slice":
                    out.append(slice(a(f) if a else None, b(f) if b else None, c(f) if c else None))
                else:
                    out.append(a(f))
            return out[0] if single else tuple(out)
        return ev

    def e_Call(self, node):
        if is_long_chain(node):
            return self._postfix_chain(node)
        span = node.span
        args = [self.expr(a) for a in node.args]
        kwargs = [(k.name, self.expr(k.value)) for k in node.keywords]
        session = self.session
        if isinstance(node.func, A.Attribute):
            return self._method_call(node.func, args, kwargs, span)
        func = self.expr(node.func)
        UserFunction, call_value = _C.UserFunction, _C.call_value
        if not kwargs and len(args) == 1:
            return self._call1(func, args[0], span)
        if not kwargs:
            def ev(f):
                fv = func(f)
                av = [a(f) for a in args]
                try:
                    if type(fv) is _BF:
                        _mode.site = span
                        try:
                            return fv.fn(*av)
                        except TypeError as exc:
                            _arg_message = _C._arg_message
                            raise GTypeError(_arg_message(fv.name, exc)) from None
                        except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
                            # as call_value does: a Python error from a built-in is a ValueError
                            raise GValueError(f"{fv.name}: {exc}") from None
                    return call_value(fv, av, {})
                except GradcliError as e:
                    raise session.at_call(e, span, isinstance(fv, UserFunction))
            return ev

        def ev_kw(f):
            fv = func(f)
            av = [a(f) for a in args]
            kv = {k: e(f) for k, e in kwargs}
            try:
                _mode.site = span
                return call_value(fv, av, kv)
            except GradcliError as e:
                raise session.at_call(e, span, isinstance(fv, UserFunction))
        return ev_kw

    def _call1(self, func, arg, span):
        """`f(x)`, the commonest call (`sin(y)`, `tanh(x @ W)`): `e_Call`'s closure without the
        argument list."""
        UserFunction, call_value, session = _C.UserFunction, _C.call_value, self.session

        def ev1(f):
            fv = func(f)
            a = arg(f)
            try:
                if type(fv) is _BF:
                    _mode.site = span
                    try:
                        return fv.fn(a)
                    except TypeError as exc:
                        raise GTypeError(_C._arg_message(fv.name, exc)) from None
                    except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
                        raise GValueError(f"{fv.name}: {exc}") from None
                return call_value(fv, [a], {})
            except GradcliError as e:
                raise session.at_call(e, span, isinstance(fv, UserFunction))
        return ev1

    def _method_call(self, attr, args, kwargs, span):
        call_value, get_attr = _C.call_value, _C.get_attr
        obj, name, session = self.expr(attr.value), attr.attr, self.session
        method = TENSOR_METHODS.get(name)

        def ev(f):
            o = obj(f)
            av = [a(f) for a in args]
            kv = {k: e(f) for k, e in kwargs} if kwargs else {}
            try:
                _mode.site = span
                if method is not None and isinstance(o, _Tensor):
                    try:
                        return method(o, *av, **(_plain_kwargs(kv) if kv else kv))
                    except TypeError as exc:
                        _arg_message = _C._arg_message
                        raise GTypeError(_arg_message(name, exc)) from None
                    except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
                        raise GValueError(f"{name}: {exc}") from None
                fv = get_attr(o, name)
                return call_value(fv, av, kv)
            except GradcliError as e:
                raise session.at_call(e, span, False)
        return ev


def _closure_load(name, i, depth, span):
    UNBOUND = _C.UNBOUND

    def load(f):
        for _ in range(depth):
            f = f[-1]                           # each frame's last slot is its parent frame
        v = f[i]
        if v is UNBOUND:
            raise GNameError(f"'{name}' is used before it is assigned in the enclosing function", span)
        return v
    return load


def subscript(v, i):
    list_to_tensor = _C.list_to_tensor
    if isinstance(v, Tensor):
        if isinstance(i, list):
            i = list_to_tensor(i)
        return fn.getitem(v, i)
    if isinstance(v, (list, tuple, str)):
        from ..autograd.tensor import as_int, fmt_int
        if isinstance(i, slice):
            sl = slice(*(None if x is None else as_int(x, "a slice bound")
                         for x in (i.start, i.stop, i.step)))
            if sl.step == 0:
                from ..errors import GValueError
                raise GValueError("a slice step cannot be zero")
            return v[sl]
        k = as_int(i, "an index")
        if not -len(v) <= k < len(v):
            from ..errors import GIndexError
            raise GIndexError(f"index {fmt_int(k)} is out of range for {type_name(v)} of length {len(v)}")
        return v[k]
    raise GTypeError(f"{type_name(v)} cannot be indexed")


# Last: compiler.py imports this module; its names are used only when compiling.
from . import compiler as _C  # noqa: E402
