"""Expressions -> closures `ev(f) -> value`: atoms, names and operators (calls, indexes and
attributes are in `postfix.py`).

The hot paths — a tensor op on two tensors, a name load — are closures specialised at compile
time; everything else goes through the general operations of `lang/semantics.py`.
"""
from __future__ import annotations

from ...autograd import functions as fn
from ...autograd.tensor import Tensor, const, mode
from ...errors import GNameError, GradcliError
from ...render.values import format_value
from .. import ast as A
from ..semantics import BINOPS, binop, compare, to_tensor_operand, truth
from ..values import UNBOUND, Number, number, type_name

_Tensor, _Number = Tensor, Number
_mode = mode
_MISSING = object()


class ExprCompiler:
    """Mixin of `Compiler`: `expr(node)` returns the closure for an expression node."""

    def expr(self, node):
        method = getattr(self, "e_" + type(node).__name__)
        return method(node)

    # ----- atoms -----
    def e_Num(self, node):
        c = number(node.value, node.is_int)
        return lambda f: c

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
        builtin = session.builtins.get(name, _MISSING)
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
                return session.builtins[name]
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
        fop = BINOPS[op]
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
        test, body, orelse, span = self.expr(node.test), self.expr(node.body), self.expr(node.orelse), node.span

        def ev(f):
            try:
                t = truth(test(f))
            except GradcliError as e:
                raise e.at(span)
            return body(f) if t else orelse(f)
        return ev


def _closure_load(name, i, depth, span):

    def load(f):
        for _ in range(depth):
            f = f[-1]                           # each frame's last slot is its parent frame
        v = f[i]
        if v is UNBOUND:
            raise GNameError(f"'{name}' is used before it is assigned in the enclosing function", span)
        return v
    return load
