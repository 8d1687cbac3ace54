"""Postfix expressions -> closures: calls, indexes and attributes, and long chains of them.

A call of a built-in with positional arguments (`sin(y)`, `tanh(x @ W)`) and a tensor method
(`x.sum()`) are specialised at compile time; other calls go through `semantics.call_value`.
"""
from __future__ import annotations

from ...autograd.tensor import Tensor, mode
from ...errors import GradcliError, GTypeError, GValueError
from .. import ast as A
from ..builtin_functions import plain_kwargs
from ..builtins import TENSOR_METHODS
from ..semantics import arg_message, call_value, get_attr, subscript
from ..values import BuiltinFunction, UserFunction


# ----- postfix chains as data: they are flat, like `1+1+…+1` (LANGUAGE.md §11): a long one is
# taken apart into its links here and run in a loop, so no Python recursion grows with its length

# Postfix chains up to this many links compile to nested closures (the fast path); longer
# ones to one loop (`_postfix_chain` below).
SHORT_CHAIN = 32


ChainValue = A.node_type(
    "ChainValue", "cell",
    "Stands for the value so far of a long postfix chain: compiles to a read of `cell[0]`.")


def _inner(node):
    """The value a postfix link applies to (`x` of `x.abs()`, `x[0]`, `x.T`, `f()`), or None."""
    t = type(node)
    if t is A.Call:
        return node.func.value if type(node.func) is A.Attribute else node.func
    if t is A.Attribute or t is A.Subscript:
        return node.value
    return None


def is_long_chain(node):
    """Whether `node` ends a chain of more than SHORT_CHAIN links (it looks no further)."""
    n = 0
    while n <= SHORT_CHAIN:
        node = _inner(node)
        if node is None:
            return False
        n += 1
    return True


def links(node):
    """The links of a postfix chain, outermost first, and its base: `x.abs()[0]` gives
    ([x.abs()[0], x.abs()], x)."""
    out = []
    while (inner := _inner(node)) is not None:
        out.append(node)
        node = inner
    return out, node


def with_value(link, value):
    """A copy of the postfix `link` applied to `value` instead of its inner value."""
    t = type(link)
    if t is A.Call:
        func = link.func
        if type(func) is A.Attribute:
            func = A.Attribute(func.span, value, func.attr)
        else:
            func = value
        return A.Call(link.span, func, link.args, link.keywords)
    if t is A.Attribute:
        return A.Attribute(link.span, value, link.attr)
    return A.Subscript(link.span, value, link.index)


_Tensor, _BF = Tensor, BuiltinFunction
_mode = mode


class PostfixCompiler:
    """Mixin of `Compiler`: the closures of calls, indexes and attributes."""

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
                            raise GTypeError(arg_message(fv.name, exc)) from None
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
        session = self.session

        def ev1(f):
            fv = func(f)
            a = arg(f)
            try:
                if type(fv) is _BF:
                    _mode.site = span
                    try:
                        return fv.fn(a)
                    except TypeError as exc:
                        raise GTypeError(arg_message(fv.name, exc)) from None
                    except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
                        raise GValueError(f"{fv.name}: {exc}") from None
                return call_value(fv, [a], {})
            except GradcliError as e:
                raise session.at_call(e, span, isinstance(fv, UserFunction))
        return ev1

    def _method_call(self, attr, args, kwargs, span):
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
                        return method(o, *av, **(plain_kwargs(kv) if kv else kv))
                    except TypeError as exc:
                        raise GTypeError(arg_message(name, exc)) from None
                    except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
                        raise GValueError(f"{name}: {exc}") from None
                fv = get_attr(o, name)
                return call_value(fv, av, kv)
            except GradcliError as e:
                raise session.at_call(e, span, False)
        return ev
