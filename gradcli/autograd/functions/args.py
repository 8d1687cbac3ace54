"""Argument normalisation shared by the engine's functions: axes, shapes, indices, nested lists."""
from __future__ import annotations

import builtins

import numpy as np

from ...errors import GIndexError, GTypeError, GValueError
from ..tensor import F64, Tensor, as_int, as_tensor, fmt_int, type_name

_bmax = builtins.max


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


def _plain(values):
    if isinstance(values, Tensor):
        return values.data
    if isinstance(values, (list, tuple)):
        return [_plain(v) for v in values]
    if isinstance(values, (bool, int, float, np.floating, np.integer, np.bool_, np.ndarray)):
        return values
    raise GTypeError(f"a tensor holds numbers, not {type_name(values)}")



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
                # as a float, as the tensor it was: 2**62 + 1 rounds to 2**62, which is in range
                if type(k) is int and abs(float(k)) > 1 << 62:
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
