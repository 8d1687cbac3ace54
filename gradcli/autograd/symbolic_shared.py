"""A trace's values that outgrow their parts, kept in one fraction while --formula builds on them.

A value used twice per step (`y = y/(1 + abs(y))`) is a tree that doubles each step while its
distinct parts grow by a few: written out, 66 steps are 2**66 operations. Such a value, while
still small, is put in SymPy's form of one fraction (`together`, which cancels common factors
as it multiplies), which keeps `y/(1 + abs(y))` at `x/(k*Abs(x) + 1)`.
"""
from __future__ import annotations

import sympy as sp

from .symbolic_facts import bottom_up

TOGETHER_MIN = 8          # a value of at least this many operations written out as a tree,
TOGETHER_MAX = 400        # and at most this many (together walks it as a tree),
SHARING = 2               # that many times its distinct parts, is tried as one fraction


class Shared:
    """`reduce` each value of a trace as it is built (sizes memoized over distinct parts)."""

    def __init__(self):
        self.tree = {}            # expression -> its operations (non-atomic nodes) written out
        self.parts = {}           # expression -> its distinct non-atomic parts (a set)

    def reduce(self, e):
        """e, or its one-fraction form when e shares its parts enough to outgrow them written
        out and that form is smaller."""
        if not isinstance(e, sp.Expr) or e.is_Atom:
            return e
        n = self._tree(e)
        if TOGETHER_MIN <= n <= TOGETHER_MAX and n >= SHARING * len(self._parts(e)):
            c = _together(e)
            if c is not None and self._tree(c) < n:
                return c
        return e

    def _tree(self, e):
        return bottom_up(e, lambda u, ns: 1 + sum(ns) if ns else 0, self.tree)

    def _parts(self, e):
        return bottom_up(e, lambda u, ps: frozenset().union(*ps) | {u} if ps else frozenset(),
                         self.parts)


def _together(e):
    """SymPy's together of e, or None. (Not `cancel`: it expands, and knows no relation between
    x and Abs(x): x/(Abs(x) + 1) at each step of y/(1 + abs(y)) grows into polynomials of
    growing degree.)"""
    try:
        c = sp.together(e)
    except (sp.PolynomialError, ValueError, TypeError, NotImplementedError):
        return None
    return c if isinstance(c, sp.Expr) else None
