"""§8's conventions where SymPy's derivative of an op's form alone does not give them, at the
run's point (LANGUAGE.md §8, §12; issue 13). Used by symbolic_trace's forward mode on each
node's local derivative, before the inputs' expressions replace the placeholders.

- Ties of three or more in `max`/`min` reductions (and the inf-norms): SymPy differentiates
  `Max(a, b, c)` to `Heaviside(a - Max(b, c))`, which is ½ at a tie (`Heaviside(0) = 1/2`), where
  PyTorch gives each of the k tied elements 1/k. When the run's point has such a tie, each of
  those is written `Heaviside(a - Max(b, c), 1)/(Heaviside(a - Max(b, c), 1) + …)`: 1 for the
  extreme element, 1/k for each of k tied ones — exact everywhere, so it holds off the point
  too. (Two tied elements get ½ either way: the plain form stays.)
- The 2-norm (and p-norms) of a zero vector and the std of equal values: the plain derivative
  `x_i/sqrt(x_0**2 + …)` is nan there, where PyTorch takes 0. When the run's point is there, the
  derivative is `Piecewise((…, Ne(norm, 0)), (0, True))`, exact everywhere.
Elsewhere the plain forms stay, shorter to read and equal to the numbers at the point.
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp


def at_kink(node):
    """For a node whose op sits at one of the kinks above on this run: f(form, d) -> d rewritten
    (form: the op's form of one output element; d: its derivative w.r.t. one placeholder);
    else None."""
    name, p = node.op.name, node.params
    if name not in ("max", "min", "norm", "std"):
        return None
    x = node.saved[0] if node.saved and node.saved[0] is not None else \
        getattr(node.inputs[0], "data", None)
    y = node.out
    if name in ("max", "min") and x is not None:
        return _shared if _ties(np.asarray(x), p[0], name) >= 3 else None
    if name == "norm" and p[0] in (math.inf, -math.inf):
        return _shared if x is not None and _ties(np.abs(x), p[1], "max" if p[0] > 0 else "min") >= 3 \
            else None
    if name == "norm" and p[0] in (0, 1):
        return None                     # (0: constant; 1: sign, 0 at 0 already)
    return _zero if y is not None and np.any(np.asarray(y) == 0) else None


def _ties(x, axes, name):
    """The largest number of elements equal to the extreme of a reduced row."""
    if x.size == 0:
        return 0
    m = (np.max if name == "max" else np.min)(x, axis=axes, keepdims=True)
    return int(np.max(np.sum(x == m, axis=axes)))


def _shared(form, d):
    for m in form.atoms(sp.Max, sp.Min):
        args = m.args
        if len(args) < 3:
            continue
        steps = []
        for i, a in enumerate(args):
            rest = type(m)(*(args[:i] + args[i + 1:]))
            steps.append(a - rest if isinstance(m, sp.Max) else rest - a)   # SymPy's fdiff
        ones = [sp.Heaviside(s, 1) for s in steps]
        total = sp.Add(*ones)
        d = d.xreplace({sp.Heaviside(s): one / total for s, one in zip(steps, ones)})
    return d


def _zero(form, d):
    return sp.Piecewise((d, sp.Ne(form, 0)), (0, True))
