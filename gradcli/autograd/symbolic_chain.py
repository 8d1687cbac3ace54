"""A tangent as the chain rule builds it over a trace, and gathering it at the end.

A tangent is built unevaluated: the chain rule's product of a factor per step, or a sum of a
term per step, built evaluated would be flattened and sorted again at each step (quadratic in
the steps). `gather` evaluates each nested product (or sum) once, at the end.
"""
from __future__ import annotations

import sympy as sp

from .symbolic_facts import bottom_up, power, rebuild


def _product(d, t, chain=None):
    """d * t unevaluated; recorded in `chain` (id -> product) as a step of a tangent's chain."""
    if d == 1:
        return t
    p = sp.Mul(d, t, evaluate=False)
    if chain is not None:
        chain[id(p)] = p
    return p


def _sum(terms):
    return sp.Add(*terms, evaluate=False)


def combine(pairs, chain):
    """The tangent sum of d * t over (d, t) in pairs, a tangent common to every t factored
    out. Where a value reaches the output along two paths (`y/(1 + abs(y))` uses y twice), the
    sum of the chain rule's products names y's tangent twice: written out, a loop of such
    steps doubles at each step (66 steps: 2**66 operations); factored, it grows by a step."""
    if len(pairs) <= 1:
        return _product(*pairs[0], chain) if pairs else _sum([])
    common = _common_tail([t for _, t in pairs], chain)
    if common is None:
        return _sum([_product(d, t) for d, t in pairs])
    coefs = []
    for d, t in pairs:
        fs = [d]
        while t is not common:          # t is d' * (… common): its factors down to common
            fs.append(t.args[0])
            t = t.args[1]
        coefs.append(fs[0] if len(fs) == 1 else sp.Mul(*fs, evaluate=False))
    return _product(_sum(coefs), common, chain)


def _tail(t, chain):
    """t, and the tangents it is a product of (t = d * t', as `_product` built it), outer first."""
    out = [t]
    while chain.get(id(t)) is t:
        t = t.args[1]
        out.append(t)
    return out


def _common_tail(ts, chain):
    """The outermost tangent that every t in ts is (a product down to), when it is not a
    number; else None."""
    first = _tail(ts[0], chain)
    at = {id(u): i for i, u in enumerate(first)}
    deepest = 0
    for t in ts[1:]:
        for u in _tail(t, chain):
            if id(u) in at:
                deepest = max(deepest, at[id(u)])
                break
        else:
            return None
    c = first[deepest]
    return None if c.is_Number else c


def operands(u):
    """u's args, a nested product's factors (a sum's terms) gathered into one list."""
    if not (u.is_Mul or u.is_Add) or not any(type(a) is type(u) for a in u.args):
        return u.args
    out, stack = [], list(reversed(u.args))
    while stack:
        a = stack.pop()
        if type(a) is type(u):
            stack.extend(reversed(a.args))
        else:
            out.append(a)
    return out


DEEP = 32         # a product or sum with a factor (term) deeper than this is gathered here
                  # (and printed as stored: render/formula.py)


def gather(func, args, depth):
    """func(*args) for a product or sum (Mul or Add), evaluated as SymPy does, except when a
    factor nests more than DEEP levels (depths memoized in `depth`): SymPy sorts the factors,
    comparing them as trees, each comparison walking down two towers as deep as the trace
    (seconds for 400 factors of a 200-deep composition). Then the numbers are multiplied
    (added), equal factors gathered into powers (equal terms into multiples), and the rest
    kept in the trace's order, first step first, as it prints (render/formula.py prints such
    products as stored)."""
    if not any(depth_of(a, depth) > DEEP for a in args):
        return rebuild(func, args)
    mul = func is sp.Mul
    coef, seen = (sp.Integer(1) if mul else sp.Integer(0)), {}
    for a in reversed(args):            # the chain rule's product is built outermost first
        for f in (sp.Mul.make_args(a) if mul else sp.Add.make_args(a)):
            if f.is_Number:
                coef = coef * f if mul else coef + f
                continue
            if mul:
                c, b = (sp.Integer(1), f) if not f.is_Pow else (f.exp, f.base)
            else:
                c, b = f.as_coeff_Mul()
            seen[b] = seen.get(b, 0) + c
    if mul and coef == 0:
        return coef
    parts = [((b if c == 1 else power(b, sp.sympify(c))) if mul else c * b)
             for b, c in seen.items() if c != 0]
    if not mul and coef != 0:
        parts.append(coef)
    elif mul and coef != 1:
        parts.insert(0, coef)
    if not parts:
        return sp.Integer(1) if mul else sp.Integer(0)
    return parts[0] if len(parts) == 1 else func(*parts, evaluate=False)


def depth_of(e, memo):
    """e's depth, over its distinct parts (memoized in `memo`)."""
    return bottom_up(e, _one_deeper, memo)


def _one_deeper(u, depths):
    return 1 + max(depths, default=0)

