"""Reductions: sum, mean, prod, var/std, logsumexp, max/min/amax/amin, any/all, norm, softmax."""
from __future__ import annotations

import numpy as np

from ...errors import GTypeError, GValueError
from ..ops import (ALL, AMAX, AMIN, ANY, LOGSUMEXP, LOG_SOFTMAX, MAX, MAX1, MEAN, MEAN0, MIN, MIN1,
                  NORM, PROD, PROD0, SOFTMAX, STD, SUM, SUM0, VAR)
from ..tensor import F64, Tensor, apply, as_tensor, const
from .args import axes_arg, axis_arg


# ----- reductions -----

def _reduction(op_all, op_axis, name):
    def f(x, axis=None, keepdims=False):
        x = as_tensor(x)
        axes = axes_arg(axis, x.data.ndim)
        if x.data.dtype is not F64:
            x = const(x.data.astype(np.float64))
        if name in ("max", "min") and _reduces_nothing(x, axes):
            raise GValueError(f"{name}() of an empty tensor" if axes is None or not x.data.ndim
                              else f"{name}() over an axis of size 0 (it has no identity)")
        # PyTorch: x.sum() is SumBackward0, x.sum(dim, keepdim) (also dim=None, keepdim=True) SumBackward1
        return apply(op_all if axis is None and not keepdims else op_axis, (x,), (axes, bool(keepdims)))
    f.__name__ = name
    return f


sum = _reduction(SUM0, SUM, "sum")  # noqa: A001
mean = _reduction(MEAN0, MEAN, "mean")
prod = _reduction(PROD0, PROD, "prod")


def _var_std(op, name):
    """var/std: unbiased by default, as PyTorch; `unbiased=False` or `correction=0` divide by n."""
    plain = _reduction(op, op, name)

    def f(x, axis=None, keepdims=False, unbiased=None, correction=None):
        c = 1.0 if correction is None else float(as_tensor(correction).item())
        if unbiased is not None:
            c = 1.0 if unbiased else 0.0
        if c == 1.0:
            return plain(x, axis, keepdims)
        x = as_tensor(x)
        axes = axes_arg(axis, x.data.ndim)
        if x.data.dtype is not F64:
            x = const(x.data.astype(np.float64))
        return apply(op, (x,), (axes, bool(keepdims), c))
    f.__name__ = name
    return f


var = _var_std(VAR, "var")
std = _var_std(STD, "std")
logsumexp = _reduction(LOGSUMEXP, LOGSUMEXP, "logsumexp")
_max = _reduction(MAX1, MAX, "max")
_min = _reduction(MIN1, MIN, "min")
_amax = _reduction(MAX1, AMAX, "max")   # a list of axes: PyTorch's amax
_amin = _reduction(MIN1, AMIN, "min")


def _extreme(f, f_axes, name, elementwise):
    def g(x, *b, axis=None, keepdims=False):
        if b:
            # max(t, 1) is a reduction over axis 1 (PyTorch's max(dim)); max(a, b) of two tensors
            # is not: that is maximum(a, b).
            if len(b) > 2 or axis is not None:
                raise GTypeError(f"{name}() takes a tensor, an axis and keepdims")
            axis, keepdims = b[0], (b[1] if len(b) > 1 else keepdims)
            a = axis if isinstance(axis, Tensor) else None
            if a is None and isinstance(axis, (int, float)) and not isinstance(axis, bool):
                a = as_tensor(axis)
            if a is None or a.data.size != 1 or a.data.dtype is not F64 or \
                    float(a.data.reshape(())) != int(a.data.reshape(())):
                raise GTypeError(f"{name}(a, b) takes an axis as b; for the elementwise "
                                 f"{name} of two tensors use {elementwise}(a, b)")
        several = isinstance(axis, (list, tuple)) or (axis is None and keepdims)
        return (f_axes if several else f)(x, axis, keepdims)
    g.__name__ = name
    return g


max = _extreme(_max, _amax, "max", "maximum")  # noqa: A001
min = _extreme(_min, _amin, "min", "minimum")  # noqa: A001


def amax(x, axis=None, keepdims=False):
    """PyTorch's amax: the max over `axis` (all axes by default), always AmaxBackward0."""
    x = as_tensor(x)
    return apply(AMAX, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))


def amin(x, axis=None, keepdims=False):
    x = as_tensor(x)
    return apply(AMIN, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))


def _bool_reduction(op):
    def f(x, axis=None, keepdims=False):
        x = as_tensor(x)
        return apply(op, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))
    f.__name__ = op.name
    return f


any, all = _bool_reduction(ANY), _bool_reduction(ALL)  # noqa: A001


def _reduces_nothing(x, axes):
    """Whether a reduction of x over `axes` (None: all) has an output element with nothing to
    reduce: max, min and the inf-norms have no identity there (an error, as in PyTorch)."""
    if axes is None or not x.data.ndim:
        return x.data.size == 0
    return 0 in [x.data.shape[a] for a in axes]     # (`any` here is G's reduction)


def norm(x, p=2, axis=None, keepdims=False):
    """Vector p-norm over the elements (or over `axis`)."""
    x = as_tensor(x)
    order = float(as_tensor(p).item()) if not isinstance(p, str) else None
    if order is None or order != order:
        raise GValueError(f"norm: p must be a number or inf, not {p!r}")
    axes = axes_arg(axis, x.data.ndim)
    if abs(order) == float("inf") and _reduces_nothing(x, axes):
        raise GValueError("norm: the inf-norm of an empty tensor is undefined (max has no identity)")
    return apply(NORM, (x,), (order, axes, bool(keepdims)))


def softmax(x, axis=-1):
    x = as_tensor(x)
    return apply(SOFTMAX, (x,), axis_arg(axis, x.data.ndim) if x.data.ndim else None)


def log_softmax(x, axis=-1):
    x = as_tensor(x)
    return apply(LOG_SOFTMAX, (x,), axis_arg(axis, x.data.ndim) if x.data.ndim else None)
