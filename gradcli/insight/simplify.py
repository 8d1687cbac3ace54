"""--formula's last steps: simplifying under a budget, and checking a formula at the run's point."""
from __future__ import annotations

import math

import numpy as np

from . import budget as B

SIMPLIFY_MAX_OPS = 200    # cancel is slow on larger formulas
TOGETHER_MAX_OPS = 500    # and together (a second on a rational function of 2,000 operations)


def _shortest(e, syms, memo=None):
    """The shortest of: the formula as differentiated (the chain rule's sums of products are
    often the most readable), its expanded polynomial form when it is a polynomial in the
    symbols (cheap, and what folds a long loop), else `together` (one fraction: a softmax's
    derivative) and, for rational functions of up to SIMPLIFY_MAX_OPS operations, `cancel`.
    A candidate wins only by being a fifth smaller (count_ops). SymPy's `simplify` is not
    used: it takes a second even on small formulas, and turns Heaviside and sign into
    Piecewise. The sizes are counted, and a polynomial with rational coefficients expanded,
    over the formula's distinct parts (a loop's formula shares them: as a tree it is far
    larger); `together` and `cancel` walk it as a tree, so they are tried on formulas of up to
    TOGETHER_MAX_OPS operations only."""
    import sympy as sp
    memo = {} if memo is None else memo
    from ..autograd.symbolic_facts import has_symbol    # here: sympy only for --formula
    if not has_symbol(e) or _has_infinity(e, memo):
        return e
    p = _polynomial(e, syms)
    if p is None and tree_nodes(e, memo) > 4 * TOGETHER_MAX_OPS:
        return e                        # (counting its operations asks SymPy for signs: slow)
    best, ops = e, count_ops(e, memo)

    def consider(cand):
        nonlocal best, ops
        n = count_ops(cand, memo)
        if n < 0.8 * ops:
            best, ops = cand, n
    if p is not None:
        consider(p)
        return best
    if ops > TOGETHER_MAX_OPS:
        return best
    if e.is_polynomial(*syms):
        consider(sp.Poly(e, *syms).as_expr())
        return best
    consider(sp.together(e))
    if ops <= SIMPLIFY_MAX_OPS and e.is_rational_function(*syms):
        consider(sp.cancel(e))
    return best


def simplify_all(raw, syms, seconds):
    """Each entry simplified, until the budget runs out (the rest stay as differentiated)."""
    out = {n: J.copy() for n, J in raw.items()}
    every = [s for S in syms.values() for s in S.flat]
    memo = {}

    def work():
        for n, J in raw.items():
            for i, e in np.ndenumerate(J):
                out[n][i] = _shortest(e, every, memo)
    try:
        B.run(work, seconds)
    except B.OutOfTime:
        pass
    return out


def size(J) -> int:
    """A formula's size: SymPy's count of its operations (the bench's measure)."""
    memo = {}
    return int(sum(count_ops(e, memo) for e in J.flat))


def _walk(e, step, memo, key, parts=None):
    """symbolic_facts.bottom_up over e's distinct parts, remembered in memo[key] (one memo holds
    a formula's sizes, counts and facts side by side)."""
    from ..autograd.symbolic_facts import bottom_up    # here: sympy only for --formula
    return bottom_up(e, step, memo.setdefault(key, {}), parts)


def _post_order(e):
    """The distinct parts of e, each after its args."""
    out = []
    _walk(e, lambda u, _: out.append(u), {}, None)
    return out


def _has_infinity(e, memo):
    """Whether e holds oo, zoo or nan (a division by a constant 0): algebra with them is not
    sound — `zoo*x*c + zoo*d` is nan at x = 0, as the numbers are, but `together` makes it
    `zoo*(x*c + d)`, which is not — so such a formula is shown as differentiated."""
    import sympy as sp
    bad = (sp.S.Infinity, sp.S.NegativeInfinity, sp.S.ComplexInfinity, sp.S.NaN)
    return _walk(e, lambda u, has: u in bad or any(has), memo, "inf")


def tree_nodes(e, memo=None) -> int:
    """The number of nodes of e written out as a tree, over its distinct parts (at least half
    its count_ops: a Rational such as -1/3 counts 2 operations)."""
    return _walk(e, lambda u, ns: 1 + sum(ns), {} if memo is None else memo, "nodes")


def ops_bound(e, memo=None) -> int:
    """A bound on count_ops(e) from above, over e's distinct parts: each part counts at most
    as many operations as it has args (a sum of k terms: k - 1, a NEG; a product: its MULs, a
    NEG and a DIV, fraction's numerator and denominator made of its factors), a Rational up to
    2 (-1/3: NEG and DIV). Quick where count_ops is not: its `fraction` rebuilds each product,
    sorting its factors as trees."""
    def step(u, bounds):
        return ((u.p < 0) + (u.q != 1) if u.is_Rational else len(u.args)) + sum(bounds)
    return _walk(e, step, {} if memo is None else memo, "bound")


def count_ops(e, memo=None):
    """SymPy's count_ops(e), each distinct part counted once and multiplied by its uses: the
    same number, in time linear in the distinct parts rather than in the tree (a formula from
    a loop can be exponentially larger as a tree)."""
    import sympy as sp
    if not isinstance(e, sp.Expr) or e.is_Relational:
        return sp.count_ops(e)
    own = {}                            # a -> the operations counted at a itself

    def parts(a):                       # the parts a's count needs
        own[a], ps = _count_step(a)
        return ps
    return _walk(e, lambda a, counts: own[a] + sum(counts), {} if memo is None else memo, "ops",
                 parts)


def _count_step(a):
    """One step of SymPy's count_ops (sympy/core/function.py) on a: (the operations it counts
    there, the expressions it goes on with)."""
    import sympy as sp
    from sympy.core.function import Derivative, UndefinedFunction, _coeff_isneg
    from sympy.core.operations import LatticeOp
    from sympy.simplify.radsimp import fraction
    ops = 0
    if a.is_Rational:
        if a is not sp.S.One:
            return (a.p < 0) + (a.q != 1), []
    elif a.is_Mul:
        if _coeff_isneg(a):
            ops += 1
            a = a.as_two_terms()[1] if a.args[0] is sp.S.NegativeOne else -a
        n, d = fraction(a)
        if n.is_Integer:
            return ops + 1 + bool(n < 0), [d]
        if d is not sp.S.One:
            return ops + 1, ([] if d.is_Integer else [d]) + [n]
    elif a.is_Add:
        aargs = list(a.args)
        parts, negs = [], 0
        for i, ai in enumerate(aargs):
            if _coeff_isneg(ai):
                negs += 1
                parts.append(-ai)
            else:
                parts.append(ai)
        ops += len(aargs) - 1          # ADD or SUB between terms
        if negs == len(aargs):
            ops += 1                   # NEG
        return ops, parts              # (SUB - ADD for a negative first term: 0 in all)
    if a.is_Pow and a.exp is sp.S.NegativeOne:
        return ops + 1, [a.base]
    if a == sp.S.Exp1:
        return ops + 1, []
    if a.is_Pow and a.base == sp.S.Exp1:
        return ops + 1, [a.exp]
    if a.is_Mul or isinstance(a, LatticeOp):
        ops += len(a.args) - 1
    elif a.args and (a.is_Pow or a.is_Function or isinstance(a, Derivative)
                     or type(a).__name__ in ("Integral", "Sum")):
        ops += 1
    return ops, ([] if a.is_Symbol else list(a.args))


POLYNOMIAL_MAX_DEGREE = 4096   # expanded past it, a polynomial is dense and huge: y = y**2/2 + x
                               # 60 times has degree 2**60 (and its expansion never ends)


def _degree(parts, syms):
    """A bound on the total degree of the last of `parts` (in post-order) as a polynomial in
    syms, over its distinct parts (0 for what is not one: _polynomial tells)."""
    deg = {}
    for u in parts:
        if u in syms:
            d = 1
        elif u.is_Add:
            d = max(deg[a] for a in u.args)
        elif u.is_Mul:
            d = sum(deg[a] for a in u.args)
        elif u.is_Pow and u.exp.is_Integer and u.exp >= 0:
            d = deg[u.base] * int(u.exp)
        else:
            d = 0
        deg[u] = d
    return deg[parts[-1]] if parts else 0


def _polynomial(e, syms):
    """e expanded as a polynomial in syms when it is one with rational coefficients (else
    None), computed over its distinct parts: `Poly(e, *syms).as_expr()`, without walking a
    loop's formula as a tree."""
    from sympy.polys.domains import QQ, ZZ
    from sympy.polys.rings import ring
    syms = [s for s in syms]
    parts = _post_order(e)
    if _degree(parts, set(syms)) > POLYNOMIAL_MAX_DEGREE:
        return None
    K = ZZ if all(u.is_Integer for u in parts if u.is_Rational) else QQ    # ints: far faster
    R, *gens = ring(syms, K)
    gen = dict(zip(syms, gens))
    memo = {}
    for u in parts:
        if u in gen:
            v = gen[u]
        elif u.is_Rational:
            v = R(K(int(u.p)) if K is ZZ else K(int(u.p), int(u.q)))
        elif u.is_Add:
            v = R.zero
            for a in u.args:
                v += memo[a]
        elif u.is_Mul:
            v = R.one
            for a in u.args:
                v *= memo[a]
        elif u.is_Pow and u.exp.is_Integer and u.exp >= 0 and u.base in memo:
            v = memo[u.base] ** int(u.exp)
        else:
            v = None
        if v is None:
            return None
        memo[u] = v
    return memo[e].as_expr(*syms)


def _evaluate(e, subs, memo):
    """e at the point `subs` (Symbol -> Float), each distinct subexpression once: a formula from
    a loop shares its parts, and walking it as a tree would visit them again and again."""
    from ..autograd.symbolic_facts import bottom_up    # here: sympy only for --formula
    return bottom_up(e, lambda u, vs: u.func(*vs) if vs else subs.get(u, u), memo)


def verify(J, grad, point):
    """Whether the formula at the run's point equals the numeric gradient (to 1e-6 relative; an
    infinity of the same sign; SymPy's unsigned `zoo` matching either; a value that is not real
    matching NaN); None when it cannot be evaluated there (a number too large for mpmath, a test
    on an infinity without a sign)."""
    import sympy as sp
    grad = np.broadcast_to(np.asarray(grad, dtype=np.float64), J.shape)
    subs = {s: sp.Float(v) if math.isfinite(v) else (sp.nan if v != v else sp.oo * np.sign(v))
            for s, v in point.items()}
    memo = {}
    for i, e in np.ndenumerate(J):
        try:
            v = _evaluate(e, subs, memo)
        except (ArithmeticError, ValueError, MemoryError):  # mpmath's exp of a huge number
            return None                                       # asks for its digits
        except TypeError:               # a test on a value that is zoo there (log(0) >= -1 in
            return None                 # clamp's Piecewise): SymPy cannot order it
        g = float(grad[i])
        if v is sp.zoo:                 # 1/0 in SymPy: an infinity without a sign (sqrt'(0),
            if math.isinf(g):           # the derivative of 1/x at 0), where IEEE has one
                continue
            return False
        try:
            v = complex(sp.N(v))
        except MemoryError:
            return None
        except (TypeError, ValueError):
            if v in (sp.oo, -sp.oo):
                v = complex(float(v))
            else:
                return False
        # not a real number (sqrt'(-1)): IEEE's NaN
        r = v.real if abs(v.imag) <= 1e-9 * max(1.0, abs(v.real)) else math.nan
        if math.isnan(g) or math.isnan(r):
            if not (math.isnan(g) and math.isnan(r)):
                return False
        elif math.isinf(g) or math.isinf(r):
            if g != r:
                return False
        elif abs(r - g) > 1e-8 + 1e-6 * abs(g):
            return False
    return True
