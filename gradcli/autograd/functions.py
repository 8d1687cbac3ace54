"""The public functions of the engine: argument handling around the ops table, and creation.

Each differentiable function checks and normalises its arguments (axes, shapes, indices) and
calls `apply` with one entry of `ops.TABLE`. Tensor operators and methods are attached here too.
"""
from __future__ import annotations

import builtins
import math

import numpy as np

from .. import limits
from ..errors import GIndexError, GTypeError, GValueError, ShapeError
from . import ops as _ops
from .kernels import fma
from .fast import binary_fn, unary_fn
from .tensor import (F64, Tensor, _flat, apply, as_int, as_tensor, const, fmt_int, fmt_shape, norm_data, set_nested,
                     to_data, type_name)

_bsum, _bmax, _bany = builtins.sum, builtins.max, builtins.any

# ----- limits (the language sets them; the engine checks before allocating) -----

check_alloc = limits.check_elements     # refuse, before allocating, a tensor that would not fit
_size = limits.size_text


# ----- argument normalisation -----

def axes_arg(axis, ndim):
    """None, an int, or a list/tuple of ints -> None or a sorted tuple of non-negative axes."""
    if axis is None:
        return None
    if isinstance(axis, Tensor) and axis.data.ndim == 1:
        axis = [as_int(a) for a in axis.data.tolist()]
    items = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    out = []
    for a in items:
        i = as_int(a, "an axis")
        n = _bmax(ndim, 1)
        if not -n <= i < n:
            raise GIndexError(f"axis {fmt_int(i)} is out of range for a tensor with {ndim} dimension"
                              f"{'' if ndim == 1 else 's'}")
        i %= n
        if i in out:
            raise GValueError(f"axis {i} appears twice")
        out.append(i)
    if ndim == 0:
        return None
    return tuple(sorted(out))


def axis_arg(axis, ndim):
    """A single axis, normalised to non-negative."""
    i = as_int(axis, "an axis")
    n = _bmax(ndim, 1)
    if not -n <= i < n:
        raise GIndexError(f"axis {fmt_int(i)} is out of range for a tensor with {ndim} dimension"
                          f"{'' if ndim == 1 else 's'}")
    return i % n


def shape_arg(shape, allow_neg=False):
    """Dims given as ints, a list, a tuple or a 1-d tensor -> a tuple of ints."""
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = shape[0]
    elif len(shape) == 1 and isinstance(shape[0], Tensor) and shape[0].data.ndim == 1:
        shape = shape[0].data.tolist()
    dims = tuple(as_int(s, "a dimension") for s in shape)
    for d in dims:
        if d < 0 and not (allow_neg and d == -1):
            raise GValueError(f"a dimension cannot be negative ({d})")
    return dims


def stack_nested(values):
    """A (nested) list of numbers and tensors as one tensor, differentiable w.r.t. its elements."""
    if not _bany(isinstance(v, Tensor) and v.requires_grad for v in _flat(values)):
        return const(to_data(_plain(values)))
    parts = [stack_nested(v) if isinstance(v, (list, tuple)) else as_tensor(v) for v in values]
    return stack(parts)


def _plain(values):
    if isinstance(values, Tensor):
        return values.data
    if isinstance(values, (list, tuple)):
        return [_plain(v) for v in values]
    if isinstance(values, (bool, int, float, np.floating, np.integer, np.bool_, np.ndarray)):
        return values
    raise GTypeError(f"a tensor holds numbers, not {type_name(values)}")


set_nested(stack_nested)


# ----- arithmetic -----

add, sub, mul, div = (binary_fn(_ops.ADD), binary_fn(_ops.SUB), binary_fn(_ops.MUL),
                      binary_fn(_ops.DIV))
_pow0, _pow1, _pow2 = binary_fn(_ops.POW), binary_fn(_ops.POW1), binary_fn(_ops.POW2)
_mm = binary_fn(_ops.MATMUL)


def _grad_tensor(v):
    return type(v) is Tensor and v.requires_grad


def pow(a, b):  # noqa: A001 (the language's name)
    # PyTorch's node names: t ** 2 PowBackward0, t ** u PowBackward1, 2 ** t PowBackward2
    # (every number is a tensor here: one that does not require grad counts as a number)
    if not _grad_tensor(b):
        return _pow0(a, b)
    return (_pow1 if _grad_tensor(a) else _pow2)(a, b)


def mod(a, b):
    # t % 2 is RemainderBackward0, t % u RemainderBackward1 (as pow names them)
    return apply(_ops.MOD1 if _grad_tensor(b) else _ops.MOD, (as_tensor(a), as_tensor(b)))


neg = unary_fn(_ops.NEG)
clone = unary_fn(_ops.CLONE)
_reciprocal = unary_fn(_ops.RECIPROCAL)


def rdiv_number(number, x):
    """`2 / t` for a plain number: PyTorch computes reciprocal(t) · 2 (so 3 / 10 is
    0.30000000000000004, and the node is MulBackward0 over ReciprocalBackward0)."""
    return mul(_reciprocal(x), number)


def maximum(a, b):
    return apply(_ops.MAXIMUM, (as_tensor(a), as_tensor(b)))


def minimum(a, b):
    return apply(_ops.MINIMUM, (as_tensor(a), as_tensor(b)))


def where(cond, a, b):
    c = as_tensor(cond)
    if c.data.dtype is F64:
        c = const(c.data != 0)
    return apply(_ops.WHERE, (c, as_tensor(a), as_tensor(b)))


def _unary(op):
    f = unary_fn(op)
    f.__doc__ = f"Elementwise {op.name}. Gradient: {op.formulas[0] if op.formulas else 'none'}."
    return f


exp, log, log1p, sqrt = _unary(_ops.EXP), _unary(_ops.LOG), _unary(_ops.LOG1P), _unary(_ops.SQRT)
sin, cos, tan = _unary(_ops.SIN), _unary(_ops.COS), _unary(_ops.TAN)
asin, acos, atan = _unary(_ops.ASIN), _unary(_ops.ACOS), _unary(_ops.ATAN)
sinh, cosh, tanh = _unary(_ops.SINH), _unary(_ops.COSH), _unary(_ops.TANH)
sigmoid, relu, softplus, abs = _unary(_ops.SIGMOID), _unary(_ops.RELU), _unary(_ops.SOFTPLUS), _unary(_ops.ABS)  # noqa: A001,E501
sign, floor, ceil = _unary(_ops.SIGN), _unary(_ops.FLOOR), _unary(_ops.CEIL)
erf = _unary(_ops.ERF)


def _nondiff_unary(op):
    # not unary_fn: that records a node whenever the input requires grad, and these have no VJPs
    def f(x):
        return apply(op, (as_tensor(x),))
    f.__name__ = op.name
    return f


isnan, isinf = _nondiff_unary(_ops.ISNAN), _nondiff_unary(_ops.ISINF)
logical_not = _nondiff_unary(_ops.NOT)


def round(x, decimals=0):  # noqa: A001
    if decimals:
        # PyTorch's arithmetic: nearbyint(x * 10^d) / 10^d (for d < 0: nearbyint(x / 10^-d) * 10^-d)
        d = as_int(decimals, "decimals")
        try:
            s = 10.0 ** builtins.abs(d)
        except OverflowError:            # as C's pow: inf (and the result nan, as in PyTorch)
            s = float("inf")
        return div(round(mul(x, s)), s) if d > 0 else mul(round(div(x, s)), s)
    return apply(_ops.ROUND, (as_tensor(x),))


def clamp(x, min=None, max=None):  # noqa: A002
    lo = None if min is None else float(as_tensor(min).item())
    hi = None if max is None else float(as_tensor(max).item())
    return apply(_ops.CLAMP, (as_tensor(x),), (lo, hi))


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


sum = _reduction(_ops.SUM0, _ops.SUM, "sum")  # noqa: A001
mean = _reduction(_ops.MEAN0, _ops.MEAN, "mean")
prod = _reduction(_ops.PROD0, _ops.PROD, "prod")


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


var = _var_std(_ops.VAR, "var")
std = _var_std(_ops.STD, "std")
logsumexp = _reduction(_ops.LOGSUMEXP, _ops.LOGSUMEXP, "logsumexp")
_max = _reduction(_ops.MAX1, _ops.MAX, "max")
_min = _reduction(_ops.MIN1, _ops.MIN, "min")
_amax = _reduction(_ops.MAX1, _ops.AMAX, "max")   # a list of axes: PyTorch's amax
_amin = _reduction(_ops.MIN1, _ops.AMIN, "min")


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
    return apply(_ops.AMAX, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))


def amin(x, axis=None, keepdims=False):
    x = as_tensor(x)
    return apply(_ops.AMIN, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))


def _bool_reduction(op):
    def f(x, axis=None, keepdims=False):
        x = as_tensor(x)
        return apply(op, (x,), (axes_arg(axis, x.data.ndim), bool(keepdims)))
    f.__name__ = op.name
    return f


any, all = _bool_reduction(_ops.ANY), _bool_reduction(_ops.ALL)  # noqa: A001


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
    return apply(_ops.NORM, (x,), (order, axes, bool(keepdims)))


def softmax(x, axis=-1):
    x = as_tensor(x)
    return apply(_ops.SOFTMAX, (x,), axis_arg(axis, x.data.ndim) if x.data.ndim else None)


def log_softmax(x, axis=-1):
    x = as_tensor(x)
    return apply(_ops.LOG_SOFTMAX, (x,), axis_arg(axis, x.data.ndim) if x.data.ndim else None)


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
        return apply(_ops.UNSAFE_VIEW, (clone(x),), dims)
    return apply(_ops.RESHAPE, (x,), dims)


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
    return apply(_ops.PERMUTE, (x,), perm)


def transpose(x, a=0, b=1):
    x = as_tensor(x)
    if x.data.ndim < 2:
        if x.data.ndim == 0 or (a in (0, -1) and b in (0, -1)):
            return apply(_ops.TRANSPOSE, (x,), tuple(range(x.data.ndim)))   # a node, as in PyTorch
    i, j = axis_arg(a, x.data.ndim), axis_arg(b, x.data.ndim)
    perm = list(range(x.data.ndim))
    perm[i], perm[j] = perm[j], perm[i]
    return apply(_ops.TRANSPOSE, (x,), tuple(perm))


def T(x):
    """All axes reversed, as NumPy's `.T`."""
    x = as_tensor(x)
    # a vector or a scalar too: PyTorch records a PermuteBackward0 node all the same
    return apply(_ops.PERMUTE, (x,), tuple(range(x.data.ndim - 1, -1, -1)))


def t(x):
    """PyTorch's `t.t()`: the transpose of a matrix, a vector or a scalar as it is (TBackward0)."""
    x = as_tensor(x)
    if x.data.ndim > 2:
        raise ShapeError(f"t() needs a tensor of at most 2 dimensions, got shape {fmt_shape(x.shape)}"
                         " (use transpose(t, a, b) or permute)")
    return apply(_ops.TRANSPOSE_T, (x,), tuple(range(x.data.ndim - 1, -1, -1)))


def flatten(x):
    x = as_tensor(x)
    return reshape(x, x.data.size) if x.data.ndim != 1 else x


def squeeze(x, axis=None):
    x = as_tensor(x)
    shape = x.data.shape
    if axis is None:
        dims = tuple(s for s in shape if s != 1)
        op = _ops.SQUEEZE
    else:
        axes = axes_arg(axis, x.data.ndim) or ()
        for a in axes:
            if shape[a] != 1:
                raise ShapeError(f"cannot squeeze axis {a} of size {shape[a]} (only size-1 axes)")
        dims = tuple(s for i, s in enumerate(shape) if i not in axes)
        op = _ops.SQUEEZE2 if isinstance(axis, (list, tuple)) else _ops.SQUEEZE1
    return apply(op, (x,), dims)     # a node even when nothing is squeezed, as in PyTorch


def unsqueeze(x, axis):
    x = as_tensor(x)
    i = axis_arg(axis, x.data.ndim + 1)
    shape = list(x.data.shape)
    shape.insert(i, 1)
    return apply(_ops.UNSQUEEZE, (x,), tuple(shape))


def broadcast_to(x, *shape):
    x = as_tensor(x)
    dims = shape_arg(shape)
    if math.prod(dims) > np.iinfo(np.intp).max:     # even a view of it cannot exist
        check_alloc(math.prod(dims))
    return apply(_ops.EXPAND, (x,), dims)    # to its own shape too: PyTorch records the node


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


_stack_ops = _ops.SIZED      # the stack and cat ops of each number of inputs made so far


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
    return apply(_ops.sized(_ops.STACK, len(xs)), tuple(xs), a)


def cat(values, axis=0):
    xs = _tensor_list(values, "cat")
    if xs[0].data.ndim == 0:
        raise ShapeError("cat cannot join 0-d tensors; use stack")
    a = axis_arg(axis, xs[0].data.ndim)
    return apply(_ops.sized(_ops.CAT, len(xs)), tuple(xs), a)


# ----- indexing -----

def index_arg(index):
    """A language index (ints, slices, tensors, lists, tuples of them) -> a numpy index and a kind."""
    items = index if isinstance(index, tuple) else (index,)
    out, kind = [], "slice"
    for it in items:
        if isinstance(it, slice):
            out.append(slice(*(None if v is None else as_int(v, "a slice bound")
                               for v in (it.start, it.stop, it.step))))
            if out[-1].step == 0:
                raise GValueError("a slice step cannot be zero")
            if out[-1] != slice(None):   # PyTorch names the last op that did something: not `:`
                kind = "slice" if kind != "index" else kind
        elif it is None:
            out.append(None)
            kind = "newaxis" if kind != "index" else kind
        elif it is Ellipsis:
            out.append(Ellipsis)
        else:
            t = as_tensor(it) if not isinstance(it, Tensor) else it
            d = t.data
            if d.ndim == 0:
                k = as_int(t, "an index") if d.dtype is F64 else bool(d)
                if type(k) is int and abs(k) > 1 << 62:
                    raise GIndexError(f"index {fmt_int(k)} is out of range")
                out.append(k)
                if kind != "index":
                    kind = "select"
            else:
                if d.dtype is F64:
                    if not np.all(np.isfinite(d)) or not np.all(d == np.floor(d)):
                        raise GValueError("an index must be integral")
                    big = d[np.abs(d) > 1 << 62]
                    if big.size:             # the cast would wrap around to another index
                        raise GIndexError(f"index {fmt_int(int(big[0]))} is out of range")
                    d = d.astype(np.intp)
                out.append(d)
                kind = "index"
    return tuple(out), kind


def getitem(x, index):
    x = as_tensor(x)
    idx, kind = index_arg(index)
    used = _bsum(1 for i in idx if i is not None and i is not Ellipsis
               and not (isinstance(i, np.ndarray) and i.dtype == np.bool_ and i.ndim > 1))
    if used > x.data.ndim:
        raise GIndexError(f"too many indices ({used}) for a tensor with {x.data.ndim} dimension"
                          f"{'' if x.data.ndim == 1 else 's'}"
                          + (" (a 0-d tensor has none; use item())" if x.data.ndim == 0 else ""))
    op = {"select": _ops.SELECT, "slice": _ops.SLICE, "index": _ops.INDEX, "newaxis": _ops.NEWAXIS}[kind]
    return apply(op, (x,), idx)


def setitem(x, index, value):
    """`x` with the indexed part replaced by `value` (a new tensor; x is unchanged)."""
    x, v = as_tensor(x), as_tensor(value)
    idx, kind = index_arg(index)
    return apply(_ops.SETITEM_INDEX if kind == "index" else _ops.SETITEM, (x, v), idx)


# ----- linear algebra -----

def matmul(a, b):
    if type(a) is Tensor and type(b) is Tensor and a.data.ndim == 2 and b.data.ndim == 2:
        return _mm(a, b)   # the common case, fast
    a, b = as_tensor(a), as_tensor(b)
    na, nb = a.data.ndim, b.data.ndim
    if na == 0 or nb == 0:
        raise ShapeError("matmul needs tensors with at least one dimension; use * for scalars")
    if na == nb == 1:
        return apply(_ops.DOT, (a, b))
    if na == 2 and nb == 1:
        return apply(_ops.MV, (a, b))
    if na == 1 and nb == 2:      # PyTorch: a.unsqueeze(0).mm(b).squeeze_(0)
        return apply(_ops.SQUEEZE4, (_mm(unsqueeze(a, 0), b),), (b.data.shape[1],))
    # batched: one product node; PyTorch's matmul folds or expands the batch, runs mm or bmm and
    # ends in a view of the result (a copy when it folded a matrix @ batch whose matrix needs grad)
    out = apply(_ops.BMM, (a, b))
    if not out.requires_grad:
        return out
    if na == 2 and b.data.ndim > 2 and a.requires_grad:
        return apply(_ops.CLONE, (out,))
    return apply(_ops.UNSAFE_VIEW, (out,), out.data.shape)


def dot(a, b):
    a, b = as_tensor(a), as_tensor(b)
    if a.data.ndim != 1 or b.data.ndim != 1:
        raise ShapeError(f"dot needs two 1-d tensors, got {fmt_shape(a.shape)} and {fmt_shape(b.shape)}")
    if a.data.shape != b.data.shape:
        raise ShapeError(f"dot: sizes {a.data.shape[0]} and {b.data.shape[0]} differ")
    return apply(_ops.DOT, (a, b))


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
    return apply(_ops.TRACE, (x,))


def inv(x):
    return apply(_ops.INV, (_square(x, "inv"),))


def det(x):
    return apply(_ops.DET, (_square(x, "det"),))


# ----- comparisons -----

def _cmp(op):
    def f(a, b):
        return apply(op, (as_tensor(a), as_tensor(b)))
    f.__name__ = op.name
    return f


lt, le, gt, ge, eq, ne = (_cmp(_ops.LT), _cmp(_ops.LE), _cmp(_ops.GT), _cmp(_ops.GE),
                          _cmp(_ops.EQ), _cmp(_ops.NE))
logical_and, logical_or = _cmp(_ops.AND), _cmp(_ops.OR)


# ----- creation -----

class _RNG:
    """PyTorch's CPU generator (rng.py), made on first use (numpy.random costs ~15 ms at start)."""

    _gen = None

    @classmethod
    def get(cls):
        if cls._gen is None:
            from .rng import Generator
            cls._gen = Generator()
        return cls._gen


def seed(n):
    """torch.manual_seed(n): rand and randn then give PyTorch's numbers."""
    from .rng import Generator
    _RNG._gen = Generator(as_int(n, "a seed"))


def _leaf(data, requires_grad):
    t = const(norm_data(data))
    if requires_grad:
        t.requires_grad_(True)
    return t


def _dims(shape):
    dims = shape_arg(shape)
    check_alloc(math.prod(dims))
    return dims


def tensor(data, requires_grad=False):
    return _leaf(to_data(_plain(data) if not isinstance(data, Tensor) else data.data), requires_grad)


def ones(*shape, requires_grad=False):
    return _leaf(np.ones(_dims(shape)), requires_grad)


def zeros(*shape, requires_grad=False):
    return _leaf(np.zeros(_dims(shape)), requires_grad)


def full(shape, value, requires_grad=False):
    dims = _dims((shape,))
    return _leaf(np.full(dims, float(as_tensor(value).item())), requires_grad)


def eye(n, m=None, requires_grad=False):
    n = as_int(n, "a size")
    m = n if m is None else as_int(m, "a size")
    if n < 0 or m < 0:
        raise GValueError("eye: a size cannot be negative")
    check_alloc(n * m)
    return _leaf(np.eye(n, m), requires_grad)


def arange(start, stop=None, step=1, requires_grad=False):
    a, b, s = (0.0, float(as_tensor(start).item()), float(as_tensor(step).item())) if stop is None else \
        (float(as_tensor(start).item()), float(as_tensor(stop).item()), float(as_tensor(step).item()))
    if s == 0:
        raise GValueError("arange: step cannot be zero")
    n = _bmax(0, math.ceil((b - a) / s)) if math.isfinite((b - a) / s) else -1
    if n < 0:
        raise GValueError("arange: bounds must be finite")
    check_alloc(n)
    # PyTorch's values to the last digit: its CPU kernel computes start + step·i with FMA, in
    # blocks of 4 (base + step·j) while 8 or more elements remain (numpy's a + i·(a+s-a) differs)
    i = np.arange(n, dtype=np.float64)
    block = i - i % 4
    values = np.where(i < n - n % 8, fma(s, i - block, fma(s, block, a)),
                      fma(s, i, a))
    return _leaf(values.astype(np.float64), requires_grad)


def linspace(a, b, n, requires_grad=False):
    n = as_int(n, "a count")
    if n < 0:
        raise GValueError("linspace: the count cannot be negative")
    check_alloc(n)
    a, b = float(as_tensor(a).item()), float(as_tensor(b).item())
    if n <= 1:
        return _leaf(np.full(n, a), requires_grad)
    # PyTorch's values to the last digit: start + step·i (FMA) for the first half, end - step·(n-1-i)
    # for the rest, so both ends are exact (numpy's linspace differs in the last bit)
    step = (b - a) / (n - 1)
    i = np.arange(n, dtype=np.float64)
    values = np.where(i < n // 2, fma(step, i, a), fma(-step, n - 1 - i, b))
    return _leaf(values, requires_grad)


def rand(*shape, requires_grad=False):
    dims = _dims(shape)
    return _leaf(_RNG.get().uniform(math.prod(dims)).reshape(dims), requires_grad)


def randn(*shape, requires_grad=False):
    dims = _dims(shape)
    return _leaf(_RNG.get().normal(math.prod(dims)).reshape(dims), requires_grad)


def ones_like(x, requires_grad=False):
    return _leaf(np.ones(np.shape(as_tensor(x).data)), requires_grad)


def zeros_like(x, requires_grad=False):
    return _leaf(np.zeros(np.shape(as_tensor(x).data)), requires_grad)


def rand_like(x, requires_grad=False):
    return rand(*np.shape(as_tensor(x).data), requires_grad=requires_grad)


def randn_like(x, requires_grad=False):
    return randn(*np.shape(as_tensor(x).data), requires_grad=requires_grad)


def detach(x):
    return as_tensor(x).detach()


def numel(x):
    return as_tensor(x).data.size


# ----- operators and methods on Tensor -----

def _attach():
    def rsub(self, other):
        return apply(_ops.RSUB, (as_tensor(other), self))

    def rpow(self, other):
        return pow(other, self)

    ops = {
        "__add__": add, "__radd__": lambda s, o: add(o, s), "__sub__": sub, "__rsub__": rsub,
        "__mul__": mul, "__rmul__": lambda s, o: mul(o, s), "__truediv__": div,
        "__rtruediv__": lambda s, o: rdiv_number(o, s) if type(o) in (int, float) else div(o, s), "__pow__": pow, "__rpow__": rpow,
        "__mod__": mod, "__rmod__": lambda s, o: mod(o, s), "__matmul__": matmul,
        "__rmatmul__": lambda s, o: matmul(o, s), "__neg__": neg, "__pos__": lambda s: s,
        "__lt__": lt, "__le__": le, "__gt__": gt, "__ge__": ge, "__eq__": eq, "__ne__": ne,
        "__and__": logical_and, "__rand__": logical_and, "__or__": logical_or,
        "__ror__": logical_or, "__invert__": logical_not, "__abs__": abs,
        "__getitem__": getitem,
    }
    for name, fn in ops.items():
        setattr(Tensor, name, fn)
    Tensor.T = property(T)
    for name in ("exp log log1p sqrt sin cos tan asin acos atan sinh cosh tanh sigmoid relu softplus "
                 "abs sign floor ceil round clamp sum mean prod var std logsumexp norm softmax "
                 "log_softmax any all reshape transpose flatten squeeze unsqueeze matmul dot outer "
                 "trace inv det maximum minimum isnan isinf permute pow eq ne lt le gt ge max min "
                 "broadcast_to clone").split():
        setattr(Tensor, name, globals()[name])
    Tensor.view = reshape
    Tensor.mm = matmul


_attach()

__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "builtins", "math", "np", "Limits", "Tensor_row")]
