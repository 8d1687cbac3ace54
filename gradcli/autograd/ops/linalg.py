"""The ops table, section "linear algebra": matmul (mm, mv, dot, bmm), addmm, trace, inv, det."""
from __future__ import annotations

import math

import numpy as np

from ..kernels import EXACT_LU_MAX, cofactor, det_grad
from ..kernels import det as _det
from ..tensor import Tensor, const
from .registry import Op, defop, same


# Each matmul VJP reads only the other input (so a node need not keep the input it
# differentiates): which of the two was a vector shows in the output's ndim, g.ndim.

def _matmul_vjp_a(F, g, y, p, a, b):
    if b.ndim == 1:                       # a @ vector: g.ndim is a.ndim - 1
        return g * b if g.ndim == 0 else F.unsqueeze(g, -1) * b
    if g.ndim < b.ndim:                   # vector @ b
        return F.squeeze(F.matmul(b, F.unsqueeze(g, -1)), -1)
    return F.matmul(g, F.mT(b))


def _matmul_vjp_b(F, g, y, p, a, b):
    if a.ndim == 1:                       # vector @ b: g.ndim is b.ndim - 1
        return g * a if g.ndim == 0 else F.unsqueeze(a, -1) * F.unsqueeze(g, -2)
    if g.ndim < a.ndim:                   # a @ vector: PyTorch's mv backward, aᵀ.mv(grad)
        return F.matmul(F.mT(a), g) if a.ndim == 2 else F.squeeze(F.matmul(F.mT(a), F.unsqueeze(g, -1)), -1)
    return F.matmul(F.mT(a), g)


def _det_vjp(F, g, y, p, x):
    yd = y.data if isinstance(y, Tensor) else y
    if np.all(yd != 0) and not isinstance(x, Tensor) and x.size and x.shape[-1] <= EXACT_LU_MAX:
        return det_grad(x, g * y)
    if np.all(yd != 0):
        return F.unsqueeze(F.unsqueeze(g * y, -1), -1) * F.mT(F.inv(x))
    # a singular matrix has no inverse but a gradient all the same (a constant here: no 2nd order)
    cof = cofactor(x.data if isinstance(x, Tensor) else x)
    return F.unsqueeze(F.unsqueeze(g, -1), -1) * (const(cof) if isinstance(x, Tensor) else cof)


def _inv_forward(p, x):
    return np.linalg.inv(x)


def _matmul_count(datas):
    """The number of elements of a @ b (None when either is 0-d: the op reports that)."""
    a, b = [d.shape for d in datas]
    if not a or not b:
        return None
    return math.prod(np.broadcast_shapes(a[:-2], b[:-2])) * (a[-2] if len(a) > 1 else 1) * \
        (b[-1] if len(b) > 1 else 1)


# ----- linear algebra -----
MATMUL = defop("matmul", "MmBackward0", lambda p, a, b: np.matmul(a, b), _matmul_vjp_a, _matmul_vjp_b,
               sym=lambda S, p, a, b: S.matmul(a, b),
               formula=("∂/∂A = grad @ Bᵀ", "∂/∂B = Aᵀ @ grad"), broadcast=True, fast=np.matmul,
               reads=((1,), (0,)), inputs="A B", bound=_matmul_count)
MV = MATMUL.renamed("MvBackward0")
DOT = MATMUL.renamed("DotBackward0")
BMM = MATMUL.renamed("BmmBackward0")
TRACE = defop("trace", "TraceBackward0", lambda p, x: np.trace(x),
              lambda F, g, y, p, x: g * F.eye(*x.shape),
              sym=lambda S, p, x: S.arr(np.trace(x)),
              formula="∂/∂X = grad · I", inputs="X")
INV = defop("inv", "LinalgInvExBackward0", _inv_forward,
            lambda F, g, y, p, x: -F.matmul(F.mT(y), F.matmul(g, F.mT(y))),
            sym=lambda S, p, x: S.inv(x),
            formula="∂/∂X = -X⁻ᵀ @ grad @ X⁻ᵀ", save_out=True, inputs="X")
DET = defop("det", "LinalgDetBackward0", lambda p, x: _det(x), _det_vjp,
            sym=lambda S, p, x: S.det(x),
            formula="∂/∂X = grad · det(X) · X⁻ᵀ", save_out=True, inputs="X")
# bias + a @ m, as F.linear computes a 2-D input with a bias (torch.addmm)
ADDMM = defop("addmm", "AddmmBackward0", lambda p, b, a, m: b + np.matmul(a, m),
              same,
              lambda F, g, y, p, b, a, m: F.matmul(g, F.mT(m)),
              lambda F, g, y, p, b, a, m: F.matmul(F.mT(a), g),
              formula=("∂/∂bias = grad", "∂/∂A = grad @ Bᵀ", "∂/∂B = Aᵀ @ grad"), broadcast=True,
              reads=((), (2,), (1,)), sym=lambda S, p, b, a, m: b + S.matmul(a, m), inputs="bias A B")

__all__ = [n for n, v in list(globals().items()) if isinstance(v, Op)]
