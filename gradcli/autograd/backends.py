"""The primitive namespaces the VJPs of the ops table run on: one table, several interpretations.

- `NumpyF`: numpy arrays in, numpy arrays out, no graph (backward's numbers);
- `TensorF`: Tensors, each primitive a recorded op of the table (create_graph=True: gradients of
  gradients);
- `symbolic.SymF` (imported only by --formula, for SymPy's import time): SymPy object arrays.
"""
from __future__ import annotations

import numpy as np

from .functions import abs as _abs
from .functions import pow as _pow
from .functions import sum as _sum
from .functions import (cos, cosh, erf, exp, floor, inv, log, log1p, matmul, maximum, mean, minimum,
                        ones_like, permute, prod, reshape, sigmoid, sign, sin, sinh, sqrt, squeeze,
                        tanh, transpose, unsqueeze, where, zeros_like)
from .kernels import erf as k_erf
from .kernels import sigmoid as k_sigmoid
from .kernels import (log_softmax_backward, prod_others, scatter, setitem, sigmoid_backward,
                      softmax_backward, softplus_backward, sum_to, tanh_backward, threshold_backward,
                      torch_cosh, torch_pow, torch_sinh, torch_tanh)
from .ops import (COPY, EXPAND, LOG_SOFTMAX_BACKWARD, SCATTER, SELECT, SETITEM, SIGMOID_BACKWARD,
                  SOFTMAX_BACKWARD, SOFTPLUS_BACKWARD, TANH_BACKWARD, THRESHOLD_BACKWARD)
from .tensor import apply, as_tensor, const


_COPY_MAX = 4096     # NumpyF.broadcast_to: elements up to which a broadcast gradient is copied


class NumpyF:
    """The primitives of the VJPs on plain numpy arrays (no graph)."""

    cos, sin, exp, log, sqrt, sign = np.cos, np.sin, np.exp, np.log, np.sqrt, np.sign
    cosh, sinh = staticmethod(torch_cosh), staticmethod(torch_sinh)
    abs, floor, where, matmul = np.abs, np.floor, np.where, np.matmul
    zeros_like, eye, reshape, permute = np.zeros_like, np.eye, np.reshape, np.transpose
    sum_to = staticmethod(sum_to)
    prod_others = staticmethod(prod_others)
    sigmoid = staticmethod(k_sigmoid)
    inv = staticmethod(np.linalg.inv)
    pow = staticmethod(torch_pow)
    minimum, maximum, log1p = np.minimum, np.maximum, np.log1p
    tanh, erf = staticmethod(torch_tanh), staticmethod(k_erf)

    @staticmethod
    def rsqrt(x):
        return 1.0 / np.sqrt(x)

    tanh_backward, sigmoid_backward = staticmethod(tanh_backward), staticmethod(sigmoid_backward)
    threshold_backward = staticmethod(threshold_backward)
    softplus_backward = staticmethod(softplus_backward)
    softmax_backward = staticmethod(softmax_backward)
    log_softmax_backward = staticmethod(log_softmax_backward)

    @staticmethod
    def sum(x, axis=None, keepdims=False):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mean(x, axis=None, keepdims=False):
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def mT(x):
        return x.T if x.ndim == 2 else np.swapaxes(x, -1, -2)   # .T: no Python-level wrapper

    @staticmethod
    def broadcast_to(x, shape):
        """np.broadcast_to, made a real array while it is small: numpy's view has zero strides,
        and every elementwise op downstream of it (the VJPs along a chain of additions after a
        sum's or mean's gradient) would take numpy's strided loops, twice the cost of a small
        array's op. A large one stays a view (no memory for it). Same numbers either way."""
        r = np.broadcast_to(x, shape)
        return r.copy() if r.size <= _COPY_MAX else r

    @staticmethod
    def unsqueeze(x, axis):
        return np.expand_dims(x, axis)

    @staticmethod
    def squeeze(x, axis):
        return np.squeeze(x, axis)

    @staticmethod
    def getitem(x, idx):
        return x[idx]

    @staticmethod
    def scatter(g, shape, idx):
        return scatter((shape, idx), g)

    @staticmethod
    def setitem(x, idx, v):
        return setitem(idx, x, v)


def _prod_others_t(x, axes):
    """For each element, the product of all the others along `axes`, with differentiable ops
    (for create_graph; kernels.prod_others is the numpy one): O(n^2) but only for small tensors."""
    if axes is None:
        axes = tuple(range(x.ndim))
    if x.ndim == 0:
        return ones_like(x)
    rest = [i for i in range(x.ndim) if i not in axes]
    perm = tuple(rest + list(axes))
    xt = permute(x, perm)
    lead = xt.shape[:len(rest)]
    flat = reshape(xt, lead + (-1,))
    n = flat.shape[-1]
    eye_mask = const(np.eye(n, dtype=bool))
    rows = where(eye_mask, 1.0, unsqueeze(flat, -2))           # (..., n, n), the i-th row without x_i
    others = prod(rows, axis=-1)
    return permute(reshape(others, xt.shape), tuple(np.argsort(perm)))


def _recorded(op):
    """op(g, y[, param]) on tensors, recorded (the backward functions under create_graph)."""
    return staticmethod(lambda g, y, p=None: apply(op, (g, y), p))


class TensorF:
    """The same primitives as differentiable ops on Tensors (for create_graph=True)."""

    cos, sin, cosh, sinh, exp, log, sqrt, sign = cos, sin, cosh, sinh, exp, log, sqrt, sign
    abs, floor, where, matmul = _abs, floor, where, matmul
    zeros_like, reshape, permute = zeros_like, reshape, permute
    sum, mean, sigmoid, inv = _sum, mean, sigmoid, inv
    unsqueeze, squeeze = unsqueeze, squeeze
    minimum, maximum, log1p = minimum, maximum, log1p
    tanh, erf = tanh, erf
    prod_others = staticmethod(_prod_others_t)
    pow = staticmethod(_pow)

    @staticmethod
    def rsqrt(x):
        return _pow(x, -0.5)      # 1 / sqrt(x), as PyTorch's rsqrt computes it

    tanh_backward, sigmoid_backward = _recorded(TANH_BACKWARD), _recorded(SIGMOID_BACKWARD)
    threshold_backward, softplus_backward = _recorded(THRESHOLD_BACKWARD), _recorded(SOFTPLUS_BACKWARD)
    softmax_backward, log_softmax_backward = _recorded(SOFTMAX_BACKWARD), _recorded(LOG_SOFTMAX_BACKWARD)

    @staticmethod
    def broadcast_to(x, shape):
        return apply(EXPAND, (as_tensor(x),), tuple(shape)) if x.shape != tuple(shape) else x

    @staticmethod
    def sum_to(x, shape):
        """As PyTorch's sum_to: sum() to a 0-d shape (SumBackward0), else a keepdim sum over the
        broadcast axes (SumBackward1), viewed without the leading ones (ViewBackward0)."""
        shape = tuple(shape)
        gs = x.shape
        if gs == shape:
            return x
        if not shape:
            return _sum(x)
        lead = len(gs) - len(shape)
        axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and gs[i + lead] != 1)
        if axes:
            x = _sum(x, axes, True)
        return reshape(x, shape) if lead else x

    @staticmethod
    def eye(n, m=None):
        return const(np.eye(n, m))

    @staticmethod
    def copy(x):
        """x recorded as a copy (CopyBackwards): PyTorch's AccumulateGrad stores a leaf's first
        .grad so under create_graph=True."""
        return apply(COPY, (x,))

    @staticmethod
    def mT(x):
        return transpose(x, -1, -2)

    @staticmethod
    def getitem(x, idx):
        return apply(SELECT, (x,), idx)

    @staticmethod
    def scatter(g, shape, idx):
        return apply(SCATTER, (g,), (shape, idx))

    @staticmethod
    def setitem(x, idx, v):
        return apply(SETITEM, (x, as_tensor(v)), idx)
