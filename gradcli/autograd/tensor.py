"""Tensor, and the one function that records an op: `apply` (its fast paths: `fast.py`).

A Tensor holds float64 numpy data (an `np.float64` scalar for 0-d tensors, because numpy scalars
are several times faster than 0-d arrays) or boolean data (from comparisons). Tensor values never
change, with one exception: `Tensor.update_` on a leaf, used for the SGD step under `no_grad`.

Graph nodes point only backwards (node -> input tensors -> their nodes), never from a node to
the tensor it produced, so a graph holds no reference cycles and plain reference counting frees it
the moment the last tensor of it is dropped — the cyclic garbage collector has nothing to do.
"""
from __future__ import annotations

import numpy as np

from .. import limits
from ..errors import GradError, GTypeError, GValueError, LimitError, ShapeError
from ..limits import fmt_int  # noqa: F401 (re-exported: messages of the engine use it)
from .node import (BOOL, F64, Node, _seq, enable_grad, fmt_shape, is_grad_enabled,  # noqa: F401
                   mode, no_grad, norm_data, to_data)       # (re-exported: the engine's names)

_f64 = np.float64
_ndarray = np.ndarray
_bool_ = np.bool_
_new = object.__new__
_BIG_ELEMS = limits.BIG_ELEMS    # results from this many elements on are accounted before they are made


def plain_repr(t) -> str:
    """A tensor's repr without a renderer: numpy's text of the values, PyTorch's suffix."""
    tail = ", requires_grad=True" if t.requires_grad and t.grad_fn is None else \
        f", grad_fn=<{t.grad_fn.op.node_name}>" if t.grad_fn is not None else ""
    return f"tensor({t.data!r}{tail})"


# Filled in from above, so that this module imports neither: how a tensor shows (render/tensors'
# PyTorch format, registered by the language's values), and how a nested list of tensors becomes
# one tensor (functions' stack_nested: the stack op of the table).
_shown = [plain_repr]
_nested = [None]


def set_repr(show):
    """Show every Tensor's repr() with `show(tensor) -> str` (e.g. PyTorch's printing)."""
    _shown[0] = show


def set_nested(stack_nested):
    """as_tensor's conversion of a (nested) list holding tensors."""
    _nested[0] = stack_nested


class Tensor:
    """An n-dimensional float64 array that records the ops applied to it when it requires grad."""

    __slots__ = ("data", "requires_grad", "grad", "grad_fn")
    __array_priority__ = 1000  # numpy defers `ndarray * Tensor` to Tensor.__rmul__

    def __init__(self, data, requires_grad=False):
        data = to_data(data)
        if requires_grad and data.dtype is not F64:
            raise GradError("only float tensors can require grad")
        self.data = data
        self.requires_grad = bool(requires_grad)
        self.grad = None
        self.grad_fn = None

    # ----- properties -----
    @property
    def is_leaf(self):
        return self.grad_fn is None

    @property
    def shape(self):
        return self.data.shape

    @property
    def ndim(self):
        return self.data.ndim

    def numel(self):
        return self.data.size

    def __len__(self):
        if self.data.ndim == 0:
            raise GTypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def item(self):
        if mode.formula is not None and self.requires_grad:
            mode.formula.value_used(self)
        if self.data.size != 1:
            raise GValueError(f"item() needs a tensor with one element, not {self.data.size}")
        return self.data.reshape(()).item() if self.data.ndim else self.data.item()

    def detach(self):
        """The same values, cut off from the graph (a new leaf that does not require grad)."""
        return const(self.data)

    def requires_grad_(self, requires_grad=True):
        if self.grad_fn is not None and not requires_grad:
            raise GradError("only leaf tensors can be set not to require grad; use detach()")
        if requires_grad and self.data.dtype is not F64:
            raise GradError("only float tensors can require grad")
        if self.grad_fn is None:
            self.requires_grad = bool(requires_grad)
        return self

    def update_(self, data):
        """Replace a leaf's values in place (the `-=` of an SGD step under no_grad).

        The new values are a new array: graphs recorded earlier, `.data` and `detach()` taken
        earlier keep the old numbers.
        """
        data = to_data(data)
        if data.shape != self.data.shape:
            raise ShapeError(f"an in-place update cannot change the shape {fmt_shape(self.data.shape)} "
                             f"to {fmt_shape(data.shape)}")
        self.data = data if data.dtype is F64 else data.astype(np.float64)
        return self

    def retain_grad(self):
        """Keep this non-leaf tensor's gradient in .grad at each backward (a leaf's is kept anyway)."""
        if not self.requires_grad:
            raise GradError("retain_grad() of a tensor that does not require grad")
        if self.grad_fn is not None:
            self.grad_fn.retain = self
        return None

    @property
    def retains_grad(self):
        return self.grad_fn is not None and self.grad_fn.retain is self

    def __bool__(self):
        if self.data.size != 1:
            raise GValueError(f"the truth value of a tensor with {self.data.size} elements is "
                              "ambiguous; use any() or all()")
        return bool(self.data)

    def __float__(self):
        return float(self.item())

    def __index__(self):
        return as_int(self)

    def __repr__(self):
        return _shown[0](self)

    __hash__ = object.__hash__


def const(data):
    """A tensor that does not require grad, from data that is already normalised."""
    t = _new(Tensor)
    t.data = data
    t.requires_grad = False
    t.grad = None
    t.grad_fn = None
    return t


def as_tensor(value):
    """Tensors pass through; numbers, bools, lists and arrays become constant tensors."""
    t = type(value)
    if t is Tensor:
        return value
    if t is float or t is int:
        return const(_f64(value))
    if isinstance(value, Tensor):
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in _flat(value)):
        return _nested[0](value)
    return const(to_data(value))


def _flat(values):
    stack = [values]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            yield v



CONST = const(_f64(0.0))   # stands for a plain-number operand among a node's inputs


def as_int(value, what="an integer"):
    """An integral value (number or single-element tensor) as a Python int; else ValueError."""
    if type(value) is int:
        return value
    if isinstance(value, Tensor):
        if mode.formula is not None and value.requires_grad:
            mode.formula.value_used(value)
        if value.data.size != 1:
            raise GValueError(f"{what} must be a single number, not a tensor of shape "
                              f"{fmt_shape(value.data.shape)}")
        value = value.data.reshape(()).item() if value.data.ndim else value.data.item()
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    try:
        f = float(value)
    except (TypeError, ValueError):
        raise GTypeError(f"{what} must be a number, not {type_name(value)}") from None
    if f != f or f in (float("inf"), float("-inf")) or f != int(f):
        raise GValueError(f"{what} must be integral, not {value!r}")
    return int(f)


def type_name(value):
    if isinstance(value, Tensor):
        return "a tensor"
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list,)):
        return "a list"
    if isinstance(value, tuple):
        return "a tuple"
    if callable(value):
        return "a function"
    return type(value).__name__


def apply(op, inputs, params=None):
    """Run `op` on tensors `inputs` (a tuple) and record a Node when a gradient can flow.

    This is the general path; `unary_fn` and `binary_fn` make the same thing faster for the
    common ops. Inputs must already be Tensors.
    """
    datas = tuple([x.data for x in inputs])
    if len(datas) > 1:
        big = 1
        for d in datas:
            big *= d.size
        if big > _BIG_ELEMS:        # a bound of the result of broadcasting, @, cat and stack
            reserve_result(op, datas)
    try:
        out = op.forward(params, *datas)
    except (ValueError, IndexError, TypeError, ZeroDivisionError, np.linalg.LinAlgError) as exc:
        raise op.error(exc, inputs, params) from None
    except MemoryError:
        raise _memory_error() from None
    if type(out) is not _f64:
        out = norm_data(out)
        if out.size > _BIG_ELEMS:   # a result whose size only the op knew (indexing, reshaping …)
            limits.after_alloc(out.nbytes)
    r = _new(Tensor)
    r.data = out
    r.grad = None
    if mode.enabled and op.vjps is not None:
        mask = 0
        bit = 1
        for x in inputs:
            if x.requires_grad:
                mask |= bit
            bit <<= 1
        if mask:
            if op.drop is not None and not mode.keep:
                inputs, datas = _lean(inputs, datas, op.drop[mask], out)
            r.requires_grad = True
            r.grad_fn = Node(op, inputs, datas, params, out if op.save_out else None)
            return r
    r.requires_grad = False
    r.grad_fn = None
    if mode.formula is not None and op.vjps is None:
        mode.formula.nondiff(op, inputs, params, r)     # a comparison: a test of the path
    return r


def _lean(inputs, datas, drop, out):
    """What a node keeps of its inputs when the VJPs that will run read only some of them.

    An unread input that needs no gradient becomes the shared `CONST`; an unread intermediate
    result becomes its `grad_fn` node (when it has the output's shape: the engine needs no
    shape to undo broadcasting); an unread leaf stays, but not its data.
    """
    ins = list(inputs)
    ds = list(datas)
    for i, d in enumerate(drop):
        if d:
            x = ins[i]
            if not x.requires_grad:
                ins[i] = CONST
                ds[i] = None
            elif x.grad_fn is None:
                ds[i] = None
            elif type(out) is _f64 or ds[i].shape == out.shape:
                ins[i] = x.grad_fn
                ds[i] = None
    return tuple(ins), tuple(ds)


def reserve_result(op, datas):
    """Account for the result of `op` on `datas` before it is made (`limits.reserve`), for the ops
    whose result can be much larger than their inputs: broadcasting, matrix products, joins.
    Shapes that do not fit are left to the op, which reports them."""
    bound = op.bound
    if bound is None:
        return
    try:
        n = bound(datas)
    except ValueError:
        return
    if n is not None:
        limits.check_elements(n)


def _memory_error():
    return LimitError(f"out of memory: this value does not fit in the memory limit of "
                      f"{limits.size_text(limits.max_bytes)}; raise it with --max-memory SIZE")

