"""A recorded trace as SymPy expressions, and their derivatives (the engine of --formula).

`Builder` walks the graph from an output down to the --wrt leaves, iteratively, and runs each
node's symbolic form (`Op.sym`, on `symbolic.SymF`): symbols for the leaves asked for, numbers
for every other value. `jacobians` differentiates it by forward mode over the trace, each node's local derivative
from SymPy, §8's conventions kept (`drop_impulses`). Imports SymPy: only --formula loads this module.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .symbolic import SymF, symbols
from .symbolic_chain import combine, gather, operands
from .symbolic_facts import bottom_up, rebuild, tell_finite
from .symbolic_kinks import at_kink
from .symbolic_shared import Shared
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
        self.names = {}                 # a value's expression -> the symbol naming it in tangents
        self.defs = {}                  # that symbol -> the expression
        self.shared = Shared()          # values that outgrow their parts, in one fraction
        self.chain = {}                 # id -> a tangent's product d * t (`_product`)

    def _key(self, u):
        """(memo key, node-or-cond) for a value computed from others, else None."""
        if id(u) in self.symbols:
            return None
        if id(u) in self.conds:
            return id(u), u
        node = u if type(u) is Node else u.grad_fn
        return (id(node), node) if node is not None else None

    def value(self, u, saved=None):
        """u's value as an object array of SymPy expressions in the --wrt symbols."""
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
            out = self.S.arr(op.sym(self.S, params, *xs))
            tell_finite(op.name, xs, out)
            self.memo[key] = _each(out, self.shared.reduce)
            self.keep.append(item)


    # ----- derivatives: forward mode over the trace -----
    def tangent(self, y, leaf):
        """d y / d X for the --wrt leaf `leaf` (X its symbols): an object array of shape
        y.shape + X.shape, by forward mode over the trace. Each node's local derivative is
        SymPy's derivative of its op's symbolic form w.r.t. placeholders for its inputs (§8's
        conventions applied there, `drop_impulses`), then the placeholders are replaced by the
        inputs' expressions: the work is linear in the trace, where differentiating the whole
        output expression would walk it as a tree, shared parts again and again."""
        X = self.symbols[id(leaf)]
        self.value(y)
        eye = np.empty(X.shape + X.shape, dtype=object)
        eye[...] = sp.Integer(0)
        for j in np.ndindex(*X.shape):
            eye[j + j] = sp.Integer(1)
        dots = {}                        # id(item) -> tangent (absent: zero)

        def dot(u):
            if u is leaf:
                return eye
            if id(u) in self.symbols:
                return None
            k = self._key(u)
            return None if k is None else dots.get(k[0])

        for item in self.keep:           # built in post-order: a topological order
            if type(item) is not Node:   # a comparison: no derivative
                continue
            ins = self._inputs(item)
            ts = [dot(u) for u, _ in ins]
            if all(t is None for t in ts):
                continue
            dots[id(item)] = self._push(item, ins, ts, X.shape)
        if id(y) in self.symbols:
            return eye if y is leaf else _zeros(np.shape(y.data) + X.shape)
        k = self._key(y)
        t = None if k is None else dots.get(k[0])
        return self.expand(t) if t is not None else _zeros(np.shape(y.data) + X.shape)

    def name(self, e):
        """The symbol standing for the value e in tangents (e itself when it is a symbol or a
        number). A tangent is built over these names, and only the final one is expanded
        (`expand`): in a deep composition the chain rule multiplies a factor per step, and
        SymPy sorts a product's factors as it builds it, comparing them as trees: on the
        values themselves (sin(sin(…x)), 199 deep) each step compared the whole tower
        (cubic); on their names each comparison is one step."""
        if not isinstance(e, sp.Expr) or e.is_Atom:
            return e
        s = self.names.get(e)
        if s is None:
            n = len(self.names)         # named in order: a product's factors stay in the order
            s = sp.Dummy(f"v{n:06d}", real=True)    # of the trace, which SymPy sorts fast
            self.names[e] = s
            self.defs[s] = e
        return s

    def expand(self, t):
        """A tangent (an object array over `name`s) in the --wrt symbols: each distinct part
        rebuilt once, the names replaced by their values (SymPy's evaluation as it rebuilds
        makes it what differentiating the values themselves would give)."""
        memo = dict(self.defs)
        depth = {}

        def step(u, args):
            if not args:
                return u
            if u.is_Mul or u.is_Add:                # (built unevaluated: gathered here)
                return gather(u.func, args, depth)
            return u if all(a is b for a, b in zip(args, u.args)) else rebuild(u.func, args)
        return _each(t, lambda e: bottom_up(e, step, memo, _parts))

    def _push(self, node, ins, ts, xshape):
        """The tangent of node's output from its inputs' tangents `ts` (None: zero)."""
        vals = [self.value(u, s) for u, s in ins]
        holes, n = [], 0
        for v, t in zip(vals, ts):          # the same placeholders at every node: local
            if t is None and not _special(v):   # derivatives of equal forms are computed once
                holes.append(None)      # (a NaN or infinite constant too: SymPy's x*nan is nan and
                continue                # oo - x is oo, whose derivatives are 0, IEEE's nan and -1)
            holes.append(_holes(n, v.shape))
            n += v.size
        form = self.S.arr(node.op.sym(self.S, node.params,
                                      *[v if h is None else h for v, h in zip(vals, holes)]))
        back = {h[k]: self.name(v[k]) for h, v in zip(holes, vals) if h is not None
                for k in np.ndindex(*h.shape)}
        kink = at_kink(node)                # §8 at a tie of 3+ or a zero norm: symbolic_kinks.py
        out = np.empty(form.shape + xshape, dtype=object)
        for o in np.ndindex(*form.shape):
            f = form[o]
            free = f.free_symbols
            terms = [[] for _ in range(int(np.prod(xshape, dtype=int)))]
            for h, t in zip(holes, ts):
                if h is None or t is None:
                    continue
                for k in np.ndindex(*h.shape):
                    if h[k] not in free:
                        continue
                    d = _local(f, h[k])
                    if d == 0:
                        continue
                    if kink is not None:
                        d = kink(f, d)
                    d = d.xreplace(back)
                    tk = t[k]
                    for j, tj in enumerate(tk.flat if isinstance(tk, np.ndarray) else (tk,)):
                        if tj != 0:
                            terms[j].append((d, tj))
            out[o] = np.array([combine(ts_j, self.chain) for ts_j in terms],
                              dtype=object).reshape(xshape) if xshape else combine(terms[0], self.chain)
        return out


_POOL = []          # the placeholders for a node's inputs (real, as every value on a run is)
_LOCAL = {}         # (form, placeholder) -> its derivative, §8's conventions applied


def _holes(start, shape):
    """Placeholders start, start + 1, … in `shape`."""
    n = int(np.prod(shape, dtype=int))
    while len(_POOL) < start + n:
        _POOL.append(sp.Dummy(real=True))
    out = np.empty(shape, dtype=object)
    for i, k in enumerate(np.ndindex(*shape)):
        out[k] = _POOL[start + i]
    return out


def _local(f, h):
    """d f / d h for a local form f (SymPy's diff takes ~10 ms even on tanh(h): a loop's nodes
    repeat a handful of forms)."""
    key = (f, h)
    d = _LOCAL.get(key)
    if d is None:
        if len(_LOCAL) > 20_000:        # a long REPL session: forms with many constants
            _LOCAL.clear()
        d = _LOCAL[key] = drop_impulses(sp.diff(f, h))
    return d


def _parts(u):
    """What `expand` rebuilds u from: a nested product's factors (a sum's terms) in one list."""
    return operands(u) if isinstance(u, sp.Basic) else ()


_SPECIAL = (sp.nan, sp.oo, -sp.oo, sp.zoo)


def _special(v):
    """Whether a constant input holds a NaN or an infinity."""
    return any(e in _SPECIAL for e in v.flat)


def _each(a, f):
    """f of each element of the object array a, as a new array."""
    out = np.empty(a.shape, dtype=object)
    for i, e in np.ndenumerate(a):
        out[i] = f(e)
    return out


def _zeros(shape):
    out = np.empty(shape, dtype=object)
    out[...] = sp.Integer(0)
    return out


def jacobians(y, xs, conds=None, max_ops=5000):
    """d y / d x as SymPy, for each NAME -> leaf x of `xs`: ({NAME: object array of y.shape +
    x.shape}, {NAME: its symbols}, the Builder). Unsimplified, §8's conventions at kinks."""
    syms = {n: symbols(n, x.data.shape) for n, x in xs.items()}
    b = Builder({id(x): syms[n] for n, x in xs.items()}, conds or {}, max_ops)
    return {n: b.tangent(y, x) for n, x in xs.items()}, syms, b


def drop_impulses(expr):
    """The derivative with §8's conventions at steps: DiracDelta terms (the derivative of
    Heaviside and sign) and derivatives of floor and ceiling are 0."""
    if expr.has(sp.DiracDelta):
        expr = expr.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.Integer(0))
    if expr.has(sp.Derivative):
        expr = expr.replace(lambda e: isinstance(e, sp.Derivative)
                            and isinstance(e.expr, (sp.floor, sp.ceiling, sp.sign, sp.Heaviside)),
                            lambda e: sp.Integer(0))
        if expr.has(sp.Subs):              # the chain rule's Subs(0, u, …) of those
            expr = expr.replace(lambda e: isinstance(e, sp.Subs), lambda e: e.doit())
    return expr
