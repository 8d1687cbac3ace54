"""Shape and indexing: reshape, permute/transpose, squeeze/unsqueeze, broadcast_to/expand, stack/cat,
getitem/setitem; and linear algebra: matmul (mm, mv, dot, bmm as PyTorch records them), dot, outer,
trace, inv, det (one module: they always load together, and a module costs start-up time)."""
from __future__ import annotations

import builtins
import math

import numpy as np

from ... import limits
from ...errors import GIndexError, GTypeError, GValueError, ShapeError
from ..ops import (BMM, CAT, CLONE, DET, DOT, EXPAND, INDEX, INV, MV, NEWAXIS, PERMUTE, RESHAPE,
                  SELECT, SETITEM, SETITEM_INDEX, SLICE, SQUEEZE, SQUEEZE1, SQUEEZE2, SQUEEZE4, STACK,
                  TRACE, TRANSPOSE, TRANSPOSE_T, UNSAFE_VIEW, UNSQUEEZE, sized)
from ..tensor import (Tensor, _flat, apply, as_tensor, const, fmt_shape, set_nested, to_data,
                      type_name)
from .args import _plain, axes_arg, axis_arg, index_arg, shape_arg
from .elementwise import _mm, clone, mul

_bsum, _bany = builtins.sum, builtins.any


# ----- shape -----

def reshape(x, *shape):
    x = as_tensor(x)
    dims = shape_arg(shape, allow_neg=True)
    if dims.count(-1) > 1:
        raise ShapeError("reshape: only one dimension can be -1")
    size = x.data.size
    if -1 in dims:
        known = math.prod(d for d in dims if d != -1)
        if known == 0 or size % known:
            raise ShapeError(f"cannot reshape a tensor of shape {fmt_shape(x.shape)} ({size} elements) "
                             f"to {fmt_shape(dims)}")
        dims = tuple(size // known if d == -1 else d for d in dims)
    if math.prod(dims) != size:
        raise ShapeError(f"cannot reshape a tensor of shape {fmt_shape(x.shape)} ({size} elements) "
                         f"to {fmt_shape(dims)}")
    # to the same shape too: PyTorch records a ViewBackward0 node all the same
    d = x.data
    if d.ndim and d.size > 1 and not d.flags.c_contiguous \
            and not np.may_share_memory(np.reshape(d, dims), d):
        # no view can do it (a transposed tensor): PyTorch copies, then views the copy
        return apply(UNSAFE_VIEW, (clone(x),), dims)
    return apply(RESHAPE, (x,), dims)


def permute(x, *perm):
    x = as_tensor(x)
    if len(perm) == 1 and (isinstance(perm[0], (list, tuple))
                           or (isinstance(perm[0], Tensor) and perm[0].data.ndim == 1)):
        perm = perm[0]          # permute(t, [1, 0]) as well as PyTorch's t.permute(1, 0)
        if isinstance(perm, Tensor):
            perm = perm.data.tolist()
    perm = tuple(axis_arg(a, x.data.ndim) for a in perm)
    if sorted(perm) != list(range(x.data.ndim)):
        raise GValueError(f"permute: {perm} is not a permutation of the axes")
    return apply(PERMUTE, (x,), perm)


def transpose(x, a=0, b=1):
    x = as_tensor(x)
    if x.data.ndim < 2:
        if x.data.ndim == 0 or (a in (0, -1) and b in (0, -1)):
            return apply(TRANSPOSE, (x,), tuple(range(x.data.ndim)))   # a node, as in PyTorch
    i, j = axis_arg(a, x.data.ndim), axis_arg(b, x.data.ndim)
    perm = list(range(x.data.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return apply(TRANSPOSE, (x,), tuple(perm))


def T(x):
    """All axes reversed, as NumPy's `.T`."""
    x = as_tensor(x)
    # a vector or a scalar too: PyTorch records a PermuteBackward0 node all the same
    return apply(PERMUTE, (x,), tuple(range(x.data.ndim - 1, -1, -1)))


def t(x):
    """PyTorch's `t.t()`: the transpose of a matrix, a vector or a scalar as it is (TBackward0)."""
    x = as_tensor(x)
    if x.data.ndim > 2:
        raise ShapeError(f"t() needs a tensor of at most 2 dimensions, got shape {fmt_shape(x.shape)}"
                         " (use transpose(t, a, b) or permute)")
    return apply(TRANSPOSE_T, (x,), tuple(range(x.data.ndim - 1, -1, -1)))


def flatten(x):
    x = as_tensor(x)
    return reshape(x, x.data.size) if x.data.ndim != 1 else x


def squeeze(x, axis=None):
    x = as_tensor(x)
    shape = x.data.shape
    if axis is None:
        dims = tuple(s for s in shape if s != 1)
        op = SQUEEZE
    else:
        axes = axes_arg(axis, x.data.ndim) or ()
        for a in axes:
            if shape[a] != 1:
                raise ShapeError(f"cannot squeeze axis {a} of size {shape[a]} (only size-1 axes)")
        dims = tuple(s for i, s in enumerate(shape) if i not in axes)
        op = SQUEEZE2 if isinstance(axis, (list, tuple)) else SQUEEZE1
    return apply(op, (x,), dims)     # a node even when nothing is squeezed, as in PyTorch


def unsqueeze(x, axis):
    x = as_tensor(x)
    i = axis_arg(axis, x.data.ndim + 1)
    shape = list(x.data.shape)
    shape.insert(i, 1)
    return apply(UNSQUEEZE, (x,), tuple(shape))


def broadcast_to(x, *shape):
    x = as_tensor(x)
    dims = shape_arg(shape)
    if math.prod(dims) > np.iinfo(np.intp).max:     # even a view of it cannot exist
        limits.check_elements(math.prod(dims))
    return apply(EXPAND, (x,), dims)    # to its own shape too: PyTorch records the node


def expand(x, *shape):
    """PyTorch's t.expand(*sizes): broadcast_to where -1 keeps the size of that axis."""
    x = as_tensor(x)
    dims = shape_arg(shape, allow_neg=True)
    lead = len(dims) - x.data.ndim
    if lead < 0:
        raise ShapeError(f"expand: {len(dims)} sizes for a tensor of {x.data.ndim} axes")
    dims = tuple(x.data.shape[i - lead] if d == -1 and i >= lead else d for i, d in enumerate(dims))
    if _bany(d < 0 for d in dims):
        raise ShapeError("expand: -1 can only keep an existing axis, not make a new one")
    return broadcast_to(x, *dims)

def _tensor_list(values, name):
    if isinstance(values, Tensor):
        if values.data.ndim and not len(values):
            raise GValueError(f"{name}() of an empty list")
        return [Tensor_row(values, i) for i in range(len(values))] if values.data.ndim else [values]
    if not isinstance(values, (list, tuple)):
        raise GTypeError(f"{name} takes a list of tensors, not {type_name(values)}")
    if not values:
        raise GValueError(f"{name}() of an empty list")
    return [as_tensor(v) for v in values]


def Tensor_row(t, i):
    return getitem(t, i)


def stack(values, axis=0):
    xs = _tensor_list(values, "stack")
    shapes = {x.data.shape for x in xs}
    if len(shapes) > 1:
        raise ShapeError("stack needs tensors of one shape, got " + ", ".join(fmt_shape(x.shape) for x in xs))
    a = axis_arg(axis, xs[0].data.ndim + 1)
    return apply(sized(STACK, len(xs)), tuple(xs), a)


def cat(values, axis=0):
    xs = _tensor_list(values, "cat")
    if xs[0].data.ndim == 0:
        raise ShapeError("cat cannot join 0-d tensors; use stack")
    a = axis_arg(axis, xs[0].data.ndim)
    return apply(sized(CAT, len(xs)), tuple(xs), a)


def stack_nested(values):
    """A (nested) list of numbers and tensors as one tensor, differentiable w.r.t. its elements."""
    if not _bany(isinstance(v, Tensor) and v.requires_grad for v in _flat(values)):
        return const(to_data(_plain(values)))
    parts = [stack_nested(v) if isinstance(v, (list, tuple)) else as_tensor(v) for v in values]
    return stack(parts)


set_nested(stack_nested)     # as_tensor's lists of tensors


def getitem(x, index):
    x = as_tensor(x)
    idx, kind = index_arg(index)
    used = _bsum(1 for i in idx if i is not None and i is not Ellipsis
               and not (isinstance(i, np.ndarray) and i.dtype == np.bool_ and i.ndim > 1))
    if used > x.data.ndim:
        raise GIndexError(f"too many indices ({used}) for a tensor with {x.data.ndim} dimension"
                          f"{'' if x.data.ndim == 1 else 's'}"
                          + (" (a 0-d tensor has none; use item())" if x.data.ndim == 0 else ""))
    op = {"select": SELECT, "slice": SLICE, "index": INDEX, "newaxis": NEWAXIS}[kind]
    return apply(op, (x,), idx)


def setitem(x, index, value):
    """`x` with the indexed part replaced by `value` (a new tensor; x is unchanged)."""
    x, v = as_tensor(x), as_tensor(value)
    idx, kind = index_arg(index)
    return apply(SETITEM_INDEX if kind == "index" else SETITEM, (x, v), idx)


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
