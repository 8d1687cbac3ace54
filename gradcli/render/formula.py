"""Formulas (insight/formula.py's model) as text, LaTeX and JSON (LANGUAGE.md §12).

`expr` strings are SymPy's `str` (so `sympify` reads them back), `latex` SymPy's `latex`, each
nested in the gradient's shape.
"""
from __future__ import annotations

import numpy as np

MAX_TEXT_ENTRIES = 64     # a Jacobian larger than this is shown in JSON only, in full


def _each(J, f):
    """f of every entry of an object array, as nested lists (a bare value for 0-d)."""
    out = np.empty(J.shape, dtype=object)
    for i, e in np.ndenumerate(J):
        out[i] = f(e)
    return out.tolist() if out.ndim else out[()]


def expr_text(e) -> str:
    from sympy.printing.str import StrPrinter      # here, for start-up time: only --formula
    return _memo(StrPrinter)().doprint(e)


def latex_text(e) -> str:
    import importlib                               # here, for start-up time: only --formula
    from sympy.printing.latex import LatexPrinter
    module = importlib.import_module("sympy.simplify")  # (`sympy.simplify` is the function)
    fraction = getattr(module, "fraction", None)    # the name LatexPrinter._print_Mul imports
    if fraction is None:                            # another SymPy: its own
        return _memo(LatexPrinter)().doprint(e)
    module.fraction = _fraction
    try:
        return _memo(LatexPrinter)().doprint(e)
    finally:
        module.fraction = fraction


def _fraction(expr, exact=False):
    """SymPy's `fraction(expr, exact=True)` (LaTeX's split of a product into numerator and
    denominator), except that a negative exponent is constant when it has no symbol in it.
    SymPy asks `is_constant()`, which on an exponent with symbols tries numbers and then
    `simplify`: on `exp(-exp(-exp(-x)))`, 99 deep, it never finishes."""
    from sympy import Mul, S, exp
    from sympy.simplify.radsimp import fraction

    from ..autograd.symbolic_facts import power
    if not exact:
        return fraction(expr, exact)
    numer, denom = [], []
    for term in Mul.make_args(expr):
        if term.is_commutative and (term.is_Pow or isinstance(term, exp)):
            b, ex = term.as_base_exp()
            if ex.is_negative:
                if ex is S.NegativeOne:
                    denom.append(b)
                elif _constant(ex):
                    denom.append(power(b, -ex))
                else:
                    numer.append(term)
                continue
        elif term.is_Rational and not term.is_Integer:
            if term.p != 1:
                numer.append(term.p)
            denom.append(term.q)
            continue
        numer.append(term)
    return Mul(*numer, evaluate=False), Mul(*denom, evaluate=False)


def _constant(e) -> bool:
    """Whether e has no symbol, each distinct part visited once."""
    seen, stack = set(), [e]
    while stack:
        u = stack.pop()
        if u.is_Symbol:
            return False
        for a in u.args:
            if a not in seen:
                seen.add(a)
                stack.append(a)
    return True


_PRINTERS = {}


def _memo(cls):
    """SymPy's printer `cls` (`sstr`'s, `latex`'s: the same text), printing each distinct
    subexpression once. A formula from a loop shares its parts: printed as a tree, the same
    parts are printed again and again, each time sorting its terms (seconds for a 50,000-
    character formula; this is linear in the distinct parts). A part's text does not depend on
    where it stands (its parent adds the parentheses); only the root, printed once, differs."""
    if cls not in _PRINTERS:
        from sympy import Basic

        class Memo(cls):
            def _print(self, expr, **kwargs):
                if kwargs or not isinstance(expr, Basic) or not expr.args:
                    return super()._print(expr, **kwargs)
                memo = self.__dict__.setdefault("_memo", {})
                key = (type(expr), expr)
                text = memo.get(key)
                if text is None:
                    if (expr.is_Add or expr.is_Mul) and _deep(expr, memo):
                        text = memo[key] = self._in_stored_order(expr)
                    else:
                        text = memo[key] = super()._print(expr)
                return text

            def _in_stored_order(self, expr):
                """A sum or product of deep terms printed in SymPy's stored order: sorting
                them for print compares their sort keys, nested tuples as deep as the terms,
                in time quadratic in the depth (seconds for a product of 200 factors
                cos(sin(…x)) up to 200 deep); the stored order is sorted already, and as
                fixed."""
                order = self._settings.get("order")
                self._settings["order"] = "none"
                try:
                    return super()._print(expr)
                finally:
                    self._settings["order"] = order
            if hasattr(cls, "_needs_mul_brackets"):         # LaTeX's
                def _needs_mul_brackets(self, expr, first=False, last=False):
                    """LatexPrinter's test, its `expr.has(Mod)` and `has(Integral, …)` (each a
                    walk of the whole tree below, for each factor of a product) answered over
                    distinct parts (`_contains`)."""
                    from sympy.printing.precedence import PRECEDENCE, precedence_traditional
                    if expr.is_Mul:
                        if not first and expr.could_extract_minus_sign():
                            return True
                    elif precedence_traditional(expr) < PRECEDENCE["Mul"] or expr.is_Relational:
                        return True
                    mod, big = _contains(expr, self.__dict__.setdefault("_memo", {}))
                    return bool(expr.is_Piecewise or mod or (not last and big))

                def _needs_add_brackets(self, expr):
                    return bool(expr.is_Relational or expr.is_Add
                                or _contains(expr, self.__dict__.setdefault("_memo", {}))[0])
        Memo.__name__ = cls.__name__
        _PRINTERS[cls] = Memo
    return _PRINTERS[cls]


def _deep(expr, memo) -> bool:
    """Whether one of expr's terms nests more than symbolic_chain.DEEP levels, as `gather`
    decides what it builds unsorted (depths memoized in `memo`)."""
    from ..autograd.symbolic_chain import DEEP, depth_of     # here: sympy only for --formula
    return depth_of(expr, memo.setdefault("depth", {})) > DEEP + 1


def _contains(expr, memo):
    """(whether expr has a Mod in it, whether it has an Integral, Product or Sum), each distinct
    part visited once (memoized in `memo`)."""
    from sympy import Integral, Mod, Product, Sum
    from ..autograd.symbolic_facts import bottom_up

    def step(u, has):
        return (isinstance(u, Mod) or any(m for m, _ in has),
                isinstance(u, (Integral, Product, Sum)) or any(b for _, b in has))
    return bottom_up(expr, step, memo.setdefault("has", {}))


def json_object(model) -> dict:
    """The `"formula"` entry of one --wrt name."""
    if model["expr"] is None:
        return {"expr": None, "reason": model["reason"]}
    return {"expr": _each(model["expr"], expr_text), "latex": _each(model["expr"], latex_text),
            "valid_while": [expr_text(c) for c in model["valid_while"]],
            "valid_while_count": model["n_tests"], "verified": model["verified"]}


def json_formulas(models) -> dict:
    return {name: json_object(m) for name, m in models.items()}


def _nested(J, f) -> str:
    v = _each(J, f)

    def show(x):
        return "[" + ", ".join(show(e) for e in x) + "]" if isinstance(x, list) else x
    return show(v)


def text_lines(models, output_name, latex=False) -> list[str]:
    """`dy/dx = …` per --wrt name, then the path's tests and a flag when it was not verified."""
    lines = []
    f = latex_text if latex else expr_text
    for name, m in models.items():
        head = f"d{output_name or ''}/d{name} = "
        if m["expr"] is None:
            lines.append(f"{head}(no formula: {m['reason']})")
            continue
        J = m["expr"]
        if J.size > MAX_TEXT_ENTRIES:
            lines.append(f"{head}(a {'x'.join(map(str, J.shape))} Jacobian of formulas: see --json)")
        else:
            lines.append(head + _nested(J, f))
        if m["valid_while"]:
            tests = ", ".join(expr_text(c) for c in m["valid_while"])
            n = m["n_tests"]
            lines.append(f"  valid while {tests}" + (f" ({n} tests in all)" if n > len(m["valid_while"]) else ""))
        if m["verified"] is False:
            lines.append("  (not verified: at the run's point this formula differs from the gradient)")
    return lines


__all__ = ["json_formulas", "json_object", "text_lines", "expr_text", "latex_text"]
