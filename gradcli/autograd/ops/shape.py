"""The ops table, sections "shape" and "linear algebra".

Shape: reshape and its PyTorch-named views, permute/transpose, broadcast_to, indexing (select,
slice, index, scatter, setitem), and stack/cat (any number of inputs). Linear algebra: matmul (mm,
mv, dot, bmm), addmm, trace, inv, det (their banner below). One module for the two sections: they
always load together, and a module costs start-up time.
"""
from __future__ import annotations

import math

import numpy as np

from ..kernels import EXACT_LU_MAX, cofactor, det_grad
from ..kernels import det as _det
from ..kernels import scatter as _scatter
from ..kernels import setitem as _setitem
from ..tensor import Tensor, const
from .registry import Op, defop, joined_count, same


def _stack_vjp(i):
    return lambda F, g, y, p, *xs: F.getitem(g, (slice(None),) * p + (i,))


def _cat_vjp(i):
    def vjp(F, g, y, p, *xs):
        start = sum(x.shape[p] for x in xs[:i])
        return F.getitem(g, (slice(None),) * p + (slice(start, start + xs[i].shape[p]),))
    return vjp


# ----- shape -----
RESHAPE = defop("reshape", "ViewBackward0", lambda p, x: np.reshape(x, p),
                lambda F, g, y, p, x: F.reshape(g, x.shape),
                sym=lambda S, p, x: x.reshape(p),
                formula="∂/∂x = grad reshaped to x's shape")
SQUEEZE = RESHAPE.renamed("SqueezeBackward0")    # squeeze(t)
SQUEEZE1 = RESHAPE.renamed("SqueezeBackward1")   # squeeze(t, axis)
SQUEEZE2 = RESHAPE.renamed("SqueezeBackward2")   # squeeze(t, [axes])
UNSQUEEZE = RESHAPE.renamed("UnsqueezeBackward0")
SQUEEZE4 = RESHAPE.renamed("SqueezeBackward4")       # the squeeze_ ending vector @ matrix
UNSAFE_VIEW = RESHAPE.renamed("UnsafeViewBackward0")  # a view of a copy (reshape of a transposed tensor)
PERMUTE = defop("permute", "PermuteBackward0", lambda p, x: np.transpose(x, p),
                lambda F, g, y, p, x: F.permute(g, tuple(np.argsort(p))),
                sym=lambda S, p, x: x.transpose(p),
                formula="∂/∂x = grad with the axes put back")
TRANSPOSE = PERMUTE.renamed("TransposeBackward0")
TRANSPOSE_T = PERMUTE.renamed("TBackward0")      # t.t()
EXPAND = defop("broadcast_to", "ExpandBackward0", lambda p, x: np.broadcast_to(x, p),
               lambda F, g, y, p, x: F.sum_to(g, x.shape),
               sym=lambda S, p, x: S.arr(np.broadcast_to(x, p)),
               formula="∂/∂x = grad summed over the copies")
SELECT = defop("getitem", "SelectBackward0", lambda p, x: x[p],
               lambda F, g, y, p, x: F.scatter(g, x.shape, p),
               sym=lambda S, p, x: S.arr(x[p]),
               formula="∂/∂x = grad put back at the indexed places, 0 elsewhere")
SLICE = SELECT.renamed("SliceBackward0")
INDEX = SELECT.renamed("IndexBackward0")
NEWAXIS = SELECT.renamed("UnsqueezeBackward0")   # t[None]
SCATTER = defop("scatter", "IndexPutBackward0", _scatter,
                lambda F, g, y, p, x: F.getitem(g, p[1]),
                sym=lambda S, p, g: S.scatter(g, *p),
                formula="∂/∂x = grad at the indexed places")
SETITEM = defop("setitem", "CopySlices", _setitem,
                lambda F, g, y, p, x, v: F.setitem(g, p, 0.0),
                lambda F, g, y, p, x, v: F.sum_to(F.getitem(g, p), v.shape),
                sym=lambda S, p, x, v: S.setitem(x, p, v),
                formula=("∂/∂x = grad, 0 at the replaced places", "∂/∂v = grad at the replaced places"),
                inputs="x v")
SETITEM_INDEX = SETITEM.renamed("IndexPutBackward0")   # t[[0, 3]] = v (index_put_)

# ----- joins of any number of inputs: `vjps[i]` is made for each i (`registry.sized(op, n)`
# gives the op of n inputs); p is the axis -----
STACK = defop("stack", "StackBackward0", lambda p, *xs: np.stack(xs, axis=p), each=_stack_vjp,
              formula="∂/∂xᵢ = grad's i-th slice along the stack axis", bound=joined_count,
              sym=lambda S, p, *xs: np.stack(xs, axis=p))
CAT = defop("cat", "CatBackward0", lambda p, *xs: np.concatenate(xs, axis=p), each=_cat_vjp,
            formula="∂/∂xᵢ = grad's i-th slice along the cat axis", bound=joined_count,
            sym=lambda S, p, *xs: np.concatenate(xs, axis=p))

# ===== section "linear algebra": matmul (mm, mv, dot, bmm), addmm, trace, inv, det =====


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
