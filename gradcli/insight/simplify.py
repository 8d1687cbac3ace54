"""--formula's last steps: simplifying under a budget, and checking a formula at the run's point."""
from __future__ import annotations

import math

import numpy as np

SIMPLIFY_MAX_OPS = 200    # cancel is slow on larger formulas


def _shortest(e, syms):
    """The shortest of: the formula as differentiated (the chain rule's sums of products are
    often the most readable), its expanded polynomial form when it is a polynomial in the
    symbols (cheap, and what folds a long loop), else `together` (one fraction: a softmax's
    derivative) and, for rational functions of up to SIMPLIFY_MAX_OPS operations, `cancel`.
    A candidate wins only by being a fifth smaller (count_ops). SymPy's `simplify` is not
    used: it takes a second even on small formulas, and turns Heaviside and sign into
    Piecewise."""
    import sympy as sp
    if not e.free_symbols:
        return e
    best, ops = e, sp.count_ops(e)

    def consider(cand):
        nonlocal best, ops
        n = sp.count_ops(cand)
        if n < 0.8 * ops:
            best, ops = cand, n
    if e.is_polynomial(*syms):
        consider(sp.Poly(e, *syms).as_expr())
        return best
    consider(sp.together(e))
    if ops <= SIMPLIFY_MAX_OPS and e.is_rational_function(*syms):
        consider(sp.cancel(e))
    return best


def simplify_all(raw, syms, seconds):
    """Each entry simplified, until the budget runs out (the rest stay as differentiated)."""
    from . import budget as B
    out = {n: J.copy() for n, J in raw.items()}
    every = [s for S in syms.values() for s in S.flat]

    def work():
        for n, J in raw.items():
            for i, e in np.ndenumerate(J):
                out[n][i] = _shortest(e, every)
    try:
        B.run(work, seconds)
    except B.OutOfTime:
        pass
    return out


def size(J) -> int:
    """A formula's size: SymPy's count of its operations (the bench's measure)."""
    import sympy as sp
    return int(sum(sp.count_ops(e) for e in J.flat))


def _evaluate(e, subs, memo):
    """e at the point `subs` (Symbol -> Float), each distinct subexpression once: a formula from
    a loop shares its parts, and walking it as a tree would visit them again and again."""
    stack = [e]
    while stack:
        u = stack[-1]
        if u in memo:
            stack.pop()
            continue
        if not u.args:
            memo[u] = subs.get(u, u)
            stack.pop()
            continue
        todo = [a for a in u.args if a not in memo]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        memo[u] = u.func(*[memo[a] for a in u.args])
    return memo[e]


def verify(J, grad, point) -> bool:
    """The formula at the run's point equals the numeric gradient (to 1e-6 relative)."""
    import sympy as sp
    grad = np.broadcast_to(np.asarray(grad, dtype=np.float64), J.shape)
    subs = {s: sp.Float(v) if math.isfinite(v) else (sp.nan if v != v else sp.oo * np.sign(v))
            for s, v in point.items()}
    memo = {}
    for i, e in np.ndenumerate(J):
        v = _evaluate(e, subs, memo)
        try:
            v = complex(sp.N(v))
        except (TypeError, ValueError):
            if v in (sp.zoo, sp.oo, -sp.oo):
                v = complex(math.inf)
            else:
                return False
        g = float(grad[i])
        if abs(v.imag) > 1e-9 * max(1.0, abs(v.real)):
            return False
        r = v.real
        if math.isnan(g) or math.isnan(r):
            if not (math.isnan(g) and math.isnan(r)):
                return False
        elif math.isinf(g) or math.isinf(r):
            if not (math.isinf(g) and math.isinf(r)):
                return False
        elif abs(r - g) > 1e-8 + 1e-6 * abs(g):
            return False
    return True
