"""What a value computed from a free symbol prints as (LANGUAGE.md §12, issue 13).

With --formula, a `--wrt` NAME nothing binds is a free symbol: it has no number, so neither has a
value computed from it. `print`, `repr` and f-strings show such a value as its formula in the
symbols instead, `tensor(x**2, grad_fn=<PowBackward0>)`: the value the run computed, written
symbolically (other --wrt names that are bound stand as their numbers, as in the value).
A format spec that needs a number (`f"{y:.3f}"`) asks for the value: a ValueError naming `--set`.
"""
from __future__ import annotations

import numpy as np

MAX_NODES = 2000          # past this, a value's formula is summarized, not printed


def elements(rec, t):
    """The elements of t as formulas (an object array of t's shape, of SymPy expressions), or
    None when t does not depend on a free symbol. Where there is none to show, each element is
    the text saying why: `<a formula of more than … operations>`, `<no formula: …>`."""
    if not rec.free or not getattr(t, "requires_grad", False):
        return None
    free = {id(v): k for k, v in rec.free.items()}
    if not any(i in free for i in rec.leaves(t)):
        return None
    from ..autograd.symbolic import symbols               # here, for start-up time: SymPy
    from ..autograd.symbolic_trace import Builder, NoForm, TooLarge
    from .simplify import tree_nodes
    syms = {id(v): symbols(k, v.data.shape) for k, v in rec.free.items()}
    too_large = np.full(np.shape(t.data), f"<a formula of more than {MAX_NODES:,} operations>",
                        dtype=object)
    try:
        J = Builder(syms, rec.conds, rec.max_ops).value(t)
    except (TooLarge, RecursionError):
        return too_large
    except NoForm as exc:
        return np.full(np.shape(t.data), f"<no formula: the op {exc.args[0]} has none>", dtype=object)
    memo = {}
    if sum(tree_nodes(e, memo) for e in J.flat if hasattr(e, "args")) > MAX_NODES:
        return too_large
    return J
