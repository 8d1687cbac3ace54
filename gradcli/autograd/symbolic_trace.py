"""A recorded trace as SymPy expressions, and their derivatives (the engine of --formula).

`Builder` walks the graph from an output down to the --wrt leaves, iteratively, and runs each
node's symbolic form (`Op.sym`, on `symbolic.SymF`): symbols for the leaves asked for, numbers
for every other value. `jacobians` differentiates the result with SymPy, §8's conventions kept
(`symbolic.drop_impulses`). Imports SymPy: only --formula loads this module.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .symbolic import SymF, drop_impulses, symbols
from .tensor import Node


class TooLarge(Exception):
    pass


class NoForm(Exception):
    pass


class Builder:
    """SymPy object arrays for tensors, from the graph: symbols for the --wrt inputs, numbers
    for everything else that is not computed from them."""

    def __init__(self, symbols, conds, max_ops):
        self.S = SymF
        self.symbols = symbols          # id(leaf) -> object array of Symbols
        self.conds = conds
        self.max_ops = max_ops
        self.memo = {}                  # id(node or boolean tensor) -> object array
        self.keep = []                  # what the memo's ids belong to (kept alive)

    def _key(self, u):
        """(memo key, node-or-cond) for a value computed from others, else None."""
        if id(u) in self.symbols:
            return None
        if id(u) in self.conds:
            return id(u), u
        node = u if type(u) is Node else u.grad_fn
        return (id(node), node) if node is not None else None

    def value(self, u, saved=None):
        if id(u) in self.symbols:
            return self.symbols[id(u)]
        k = self._key(u)
        if k is not None:
            self._build(k)
            return self.memo[k[0]]
        return self.S.const(u.data if saved is None else saved)

    def _inputs(self, item):
        if type(item) is Node:
            return list(zip(item.inputs, item.saved))
        return [(x, None) for x in self.conds[id(item)][2]]

    def _build(self, root):
        stack = [root]
        while stack:
            key, item = stack[-1]
            if key in self.memo:
                stack.pop()
                continue
            todo = [k for k in (self._key(x) for x, _ in self._inputs(item)) if k is not None
                    and k[0] not in self.memo]
            if todo:
                stack.extend(todo)
                continue
            stack.pop()
            if len(self.memo) >= self.max_ops:
                raise TooLarge()
            op, params = (item.op, item.params) if type(item) is Node else self.conds[id(item)][1::2]
            if op.sym is None:
                raise NoForm(op.name)
            xs = [self.value(x, s) for x, s in self._inputs(item)]
            self.memo[key] = self.S.arr(op.sym(self.S, params, *xs))
            self.keep.append(item)


def jacobians(y, xs, conds=None, max_ops=5000):
    """d y / d x as SymPy, for each NAME -> leaf x of `xs`: ({NAME: object array of y.shape +
    x.shape}, {NAME: its symbols}, the Builder). Unsimplified, §8's conventions at kinks."""
    syms = {n: symbols(n, x.data.shape) for n, x in xs.items()}
    b = Builder({id(x): syms[n] for n, x in xs.items()}, conds or {}, max_ops)
    Y = b.value(y)
    raw = {}
    for n, x in xs.items():
        X = syms[n]
        J = np.empty(Y.shape + X.shape, dtype=object)
        for i in np.ndindex(*Y.shape):
            for j in np.ndindex(*X.shape):
                J[i + j] = drop_impulses(sp.diff(Y[i], X[j]))
        raw[n] = J
    return raw, syms, b
