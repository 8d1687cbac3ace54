"""Postfix chains of calls, indexes and attributes (`x.abs().abs()…`, `x[0:3][0:3]…`) as data.

They are flat, like `1+1+…+1` (LANGUAGE.md §11): the compiler takes a long one apart into its
links here and runs them in a loop, so no Python recursion grows with the chain's length.
"""
from __future__ import annotations

from .. import ast as A

# Postfix chains up to this many links compile to nested closures (the fast path); longer
# ones to one loop (`ExprCompiler._postfix_chain`).
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
