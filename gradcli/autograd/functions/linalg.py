"""Linear algebra: matmul (mm, mv, dot, bmm as PyTorch records them), dot, outer, trace, inv, det."""
from __future__ import annotations

from ...errors import ShapeError
from ..ops import BMM, CLONE, DET, DOT, INV, MV, SQUEEZE4, TRACE, UNSAFE_VIEW
from ..tensor import Tensor, apply, as_tensor, fmt_shape
from .elementwise import _mm, mul
from .shapes import flatten, unsqueeze


# ----- linear algebra -----

def matmul(a, b):
    if type(a) is Tensor and type(b) is Tensor and a.data.ndim == 2 and b.data.ndim == 2:
        return _mm(a, b)   # the common case, fast
    a, b = as_tensor(a), as_tensor(b)
    na, nb = a.data.ndim, b.data.ndim
    if na == 0 or nb == 0:
        raise ShapeError("matmul needs tensors with at least one dimension; use * for scalars")
    if na == nb == 1:
        return apply(DOT, (a, b))
    if na == 2 and nb == 1:
        return apply(MV, (a, b))
    if na == 1 and nb == 2:      # PyTorch: a.unsqueeze(0).mm(b).squeeze_(0)
        return apply(SQUEEZE4, (_mm(unsqueeze(a, 0), b),), (b.data.shape[1],))
    # batched: one product node; PyTorch's matmul folds or expands the batch, runs mm or bmm and
    # ends in a view of the result (a copy when it folded a matrix @ batch whose matrix needs grad)
    out = apply(BMM, (a, b))
    if not out.requires_grad:
        return out
    if na == 2 and b.data.ndim > 2 and a.requires_grad:
        return apply(CLONE, (out,))
    return apply(UNSAFE_VIEW, (out,), out.data.shape)


def dot(a, b):
    a, b = as_tensor(a), as_tensor(b)
    if a.data.ndim != 1 or b.data.ndim != 1:
        raise ShapeError(f"dot needs two 1-d tensors, got {fmt_shape(a.shape)} and {fmt_shape(b.shape)}")
    if a.data.shape != b.data.shape:
        raise ShapeError(f"dot: sizes {a.data.shape[0]} and {b.data.shape[0]} differ")
    return apply(DOT, (a, b))


def outer(a, b):
    a, b = flatten(as_tensor(a)), flatten(as_tensor(b))
    return mul(unsqueeze(a, 1), unsqueeze(b, 0))


def _square(x, name):
    x = as_tensor(x)
    if x.data.ndim < 2 or x.data.shape[-1] != x.data.shape[-2]:
        raise ShapeError(f"{name} needs a square matrix, got shape {fmt_shape(x.shape)}")
    return x


def trace(x):
    x = as_tensor(x)
    if x.data.ndim != 2:
        raise ShapeError(f"trace needs a matrix, got shape {fmt_shape(x.shape)}")
    return apply(TRACE, (x,))


def inv(x):
    return apply(INV, (_square(x, "inv"),))


def det(x):
    return apply(DET, (_square(x, "det"),))
