"""What SymPy is told as the symbolic forms are built: facts it would work out itself, by
queries that walk the whole expression below (on a deep composition, at every step).

SymPy's evaluation asks questions of its arguments as it builds an expression (is it zero?
finite? positive?), and an assumption it has no rule of its own for (`is_real` of a sum) it
works out from the facts that imply it, in a random order, each walking the expression. Here
each value of a trace, and each function of one, is told what holds of it (`tell_finite`,
`_known`), and exp is built without the rules that cannot apply (`_exp`).
"""
from __future__ import annotations

import sympy as sp


def bottom_up(e, step, memo, parts=None):
    """memo[u] = step(u, the values of u's parts) for e and each of its distinct parts, parts
    first, and memo[e]. `parts(u)` is u.args unless given; `memo` may be shared between calls
    (what it holds is not visited again). The one walk of the formula's passes: a formula from
    a loop is as deep as the loop (an explicit stack, no recursion) and shares its parts (each
    visited once, not once per path to it)."""
    stack = [e]
    while stack:
        u = stack[-1]
        if u in memo:
            stack.pop()
            continue
        ps = u.args if parts is None else parts(u)
        todo = [p for p in ps if p not in memo]
        if todo:
            stack.extend(todo)
            continue
        stack.pop()
        memo[u] = step(u, [memo[p] for p in ps])
    return memo[e]


def _known(e, u, **facts):
    """e (a function of u), told `facts` that hold when u is real (finite): SymPy would find them, but on
    a deep composition each query of tanh's (its real and imaginary parts, expanded) or of a
    quotient's (the signs of its terms) walks the whole expression below, and building a loop's
    formula asks them at every step."""
    if not facts or u.is_Atom or e.is_Atom or not _real(u):
        return e
    return _tell(e, **facts)


def _real(u, depth=3) -> bool:
    """Whether u is known to be real and finite without asking SymPy: `u.is_real` on a sum or
    product has no rule of its own, and SymPy tries the facts that imply it in a random order
    (is it rational? an odd integer?), each walking the whole expression below."""
    if u.is_Atom:
        return u.is_real is True
    if u._assumptions.get("real") is True:
        return True
    if depth > 0 and u.is_Pow and u.exp.is_Integer:     # (rebuilt by a product: untold)
        b = u.base
        return _real(b, depth - 1) and (u.exp >= 0 or b._assumptions.get("positive") is True)
    return depth > 0 and (u.is_Add or u.is_Mul) and all(_real(a, depth - 1) for a in u.args)


# ops whose value is real and finite wherever their inputs are (pow: for an exponent that is a
# nonnegative integer); the Builder tells SymPy so of each such node (`tell_finite`)
FINITE_OPS = frozenset(("add", "sub", "mul", "neg", "clone", "sum", "mean", "prod", "max", "min",
                        "reshape", "permute", "broadcast_to", "getitem", "stack", "cat", "maximum",
                        "minimum", "sin", "cos", "atan", "tanh", "sigmoid", "relu", "abs", "erf",
                        "exp", "softplus", "matmul", "trace"))


def _finite_real(v):
    """Whether v is known (without asking SymPy to work it out) to be real and finite."""
    if not isinstance(v, sp.Expr):
        return False
    if v.is_Number or v.is_Symbol:
        return bool(v.is_finite and v.is_extended_real)
    kb = v._assumptions
    return kb.get("finite") is True and kb.get("extended_real") is True


def tell_finite(name, xs, out):
    """Tell the elements of `out`, the value of an op `name` on the object arrays `xs`, that they
    are real and finite when the op keeps its real finite inputs so. A loop's value is used by
    the next step's ops, whose construction asks it (`(y**2).is_infinite` asks y's terms, each
    query walking the expression below: y = y**2/2 + x sixty times took 2 s in them)."""
    if name in ("pow", "pow1"):
        if not all(isinstance(v, sp.Integer) and v >= 0 for v in xs[1].flat):
            return
        xs = xs[:1]
    elif name not in FINITE_OPS:
        return
    if not all(_finite_real(v) for x in xs for v in x.flat):
        return
    for e in out.flat:
        if isinstance(e, sp.Expr) and not e.is_Atom:
            _tell(e, finite=True, real=True)


def _exp(u):
    """exp(u), its argument's sign left unasked: exp's evaluation asks whether u is zero (exp(0)
    is 1), and for u without a plain answer SymPy tries every sign rule on it, each walking the
    whole expression below (as_numer_denom, free_symbols): on a deep composition of sigmoids
    that is most of the time to the formula. A u that is 0 is the number 0 by then (SymPy's
    arithmetic folds it), so only the question goes: u is told "zero: unknown" (what SymPy's own
    query would store), and exp(u) that it is finite and positive (for a finite real u)."""
    if _exp_as_is(u):
        return _known(sp.exp(u, evaluate=False), u, finite=True, positive=True)
    if not u.is_Atom and "zero" not in u._assumptions:
        _tell(u, zero=None)
    return _known(sp.exp(u), u, finite=True, positive=True)


def _exp_as_is(u) -> bool:
    """Whether SymPy's exp(u) is exp(u) as it stands, told by u's top: a product, or a sum of
    products, symbols and rationals, with no log, sum, I or infinity among the factors. (exp's
    rules rewrite exp(b*log(a)), exp(I*pi*k) and exp of a float; to find a log it runs
    `logcombine` over each factor, and asks whether the others are numbers: both walk the whole
    expression below, at every step of a deep composition.)"""
    if not (u.is_Add or u.is_Mul):
        return False
    for a in u.args if u.is_Add else (u,):
        if a.is_Rational or a.is_Symbol:
            continue
        if not a.is_Mul:
            return False
        for f in a.args:
            if f.is_Add or isinstance(f, sp.log) or f is sp.I or f.is_Number and not f.is_finite:
                return False
    return True


_SYMBOLIC = {}            # expression -> whether a symbol is in it (`has_symbol`)


def has_symbol(e) -> bool:
    """Whether a symbol is in e, each distinct part visited once (remembered across calls:
    SymPy's `is_number` walks e down to its first symbol at every ask)."""
    memo = _SYMBOLIC
    if len(memo) > 200_000:             # a long REPL session
        memo.clear()
    return bottom_up(e, lambda u, has: bool(u.is_Symbol) or any(has), memo)


def power(b, e):
    """b**e, built as it stands when SymPy's rules cannot apply: an integer exponent (not 0 or
    1) of a sum with a symbol in it and no i among its terms' factors (`Pow` asks the sum
    `is_number` twice, each walking it down to its symbol, and whether a term is infinite,
    which rewrites only `a + i*b`: on a deep composition, at every step)."""
    if (e.is_Integer and e not in (0, 1) and b.is_Add
            and not any(a.is_Number and not a.is_finite or a is sp.I or a.is_Mul and sp.I in a.args
                        for a in b.args) and has_symbol(b)):
        return sp.Pow(b, e, evaluate=False)
    return sp.Pow(b, e)


# f(g(u)) for f and g of these is f(g(u)) as it stands: f's rules rewrite numbers, multiples of
# pi, a minus sign, i, and f's own inverses (sin(asin(u)), tanh(atanh(u)), atan(tan(u)), …),
# and finding there is none asks g(u) `is_number` and its pi coefficient, each walking it down
# to its symbol: on sin(sin(…x)), 199 deep, most of the time to the formula
_PLAIN = frozenset((sp.sin, sp.cos, sp.tanh, sp.exp, sp.erf))


def applied(f):
    """u -> f(u), built as it stands when u is a function of _PLAIN (and f is one), and told
    it is real and finite when u is real (f's value is, for these f)."""
    def build(u):
        if f in _PLAIN and type(u) in _PLAIN and f is not sp.exp:
            return _known(f(u, evaluate=False), u, finite=True)
        return f(u)
    return build


def _tell(e, **facts):
    """e told `facts` (what SymPy's own query would conclude and store). A fact may be None:
    "unknown", asked already (SymPy stores that too)."""
    try:
        kb = e._assumptions
        if kb is type(e).default_assumptions:
            kb = e._assumptions = kb.copy()
        known = {k: v for k, v in facts.items() if v is not None}
        if known:
            kb.deduce_all_facts(known.items())
        for k, v in facts.items():
            if v is None:
                kb._tell(k, None)
    except (AttributeError, TypeError, ValueError):   # another SymPy: it asks them itself
        pass
    return e


# functions real and finite on real finite arguments (and those that are positive too)
_FINITE_HEADS = frozenset((sp.Add, sp.Mul, sp.sin, sp.cos, sp.tanh, sp.atan, sp.erf, sp.Abs,
                           sp.sign, sp.Heaviside, sp.Max, sp.Min))


def rebuild(func, args):
    """func(*args), SymPy's evaluation included, told that it is real and finite (positive)
    when its arguments are known to be and func keeps them so: an expression rebuilt from a
    trace's values (a tangent's) is asked the same questions as the values were."""
    if func is sp.exp:
        return _exp(args[0])
    if func in _PLAIN and len(args) == 1:
        return applied(func)(args[0])
    e = power(*args) if func is sp.Pow else func(*args)
    if e.is_Atom or e._assumptions.get("real") is not None:
        return e
    if func is sp.Pow and _real(args[0]) and args[1].is_Integer:
        if args[1] >= 0:                          # a real's integer power: real and finite
            return _tell(e, finite=True, real=True)
        if args[0]._assumptions.get("positive") is True:    # a positive's: positive too
            return _tell(e, finite=True, real=True, positive=True)
        return e
    if func in _FINITE_HEADS and all(_real(a) for a in args):
        facts = {"finite": True, "real": True}
        if func is sp.Add and all(a._assumptions.get("positive") is True or a.is_Number and a > 0
                                  for a in args):
            facts["positive"] = True
        return _tell(e, **facts)
    return e
