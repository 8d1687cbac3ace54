"""The graph's records and the global autograd state: `Node` (one recorded op), `mode` (grad mode,
the running source site), `no_grad`/`enable_grad`, and tensor data (float64 or bool numpy values).

Graph nodes point only backwards (node -> input tensors -> their nodes), never from a node to
the tensor it produced, so a graph holds no reference cycles and plain reference counting frees it
the moment the last tensor of it is dropped — the cyclic garbage collector has nothing to do.
"""
from __future__ import annotations

import gc
import itertools

import numpy as np

from ..errors import GTypeError, GValueError

# Graph building allocates several container objects per op, all long-lived until backward. With
# the default thresholds the cyclic collector rescans the whole growing graph again and again,
# which makes building a graph 2-3x slower; nodes form no cycles (see above), so the collector has
# nothing to find there. Young collections still run, just less often.
if gc.get_threshold()[0] < 100_000:
    gc.set_threshold(100_000, 50, 1000)

# IEEE arithmetic with no warnings: 1/0 is inf, log(0) is -inf (LANGUAGE.md §5).
np.seterr(all="ignore")

F64 = np.dtype(np.float64)
BOOL = np.dtype(np.bool_)
_f64 = np.float64
_ndarray = np.ndarray
_bool_ = np.bool_
_new = object.__new__
_seq = itertools.count(-1, -1)   # node numbers, negative: see Node


class _Mode:
    """Global autograd state: grad mode, and the source site the language is running (or None)."""

    __slots__ = ("enabled", "site", "keep", "formula")

    def __init__(self):
        self.enabled = True
        self.site = None      # set by the interpreter before it calls an op; saved on the node
        # True: every node keeps all its input tensors and their values, for the language's
        # --graph/--explain/graph(t), which show them; False (the library): only what VJPs read
        self.keep = False
        # --formula: the recorder of the tests that choose the run's path and of free symbols
        # (insight/formula.py); None otherwise, and then nothing below costs more than this test
        self.formula = None


mode = _Mode()


class Node:
    """One recorded op: what ran (`op`), on which tensors, with which saved values.

    `inputs[i]` is where input i's gradient goes: the input tensor itself, or — when no VJP of
    the op reads that input and it has the output's shape — just its `grad_fn` node (or the
    shared `CONST` for an input that needs no gradient), so the graph does not keep an
    intermediate result alive that backward never looks at (PyTorch's saved variables).
    `saved[i]` holds input i's data as it was when the op ran (None when dropped), so a later
    in-place update of a leaf (the SGD step) does not change what this graph differentiates.
    `seq` orders nodes by creation, which is a topological order: a node is always newer than
    its inputs' nodes (stored negated, so the newest node sorts first).
    """

    __slots__ = ("op", "inputs", "saved", "params", "out", "seq", "site", "name", "retain")

    requires_grad = True      # a node standing among `inputs` carries a gradient, as its tensor did

    @property
    def grad_fn(self):
        return self

    def parents(self):
        """The nodes of this node's inputs (PyTorch's next_functions, without the leaves)."""
        return [x.grad_fn for x in self.inputs if x.grad_fn is not None]

    def __init__(self, op, inputs, saved, params, out):
        self.op = op
        self.inputs = inputs
        self.saved = saved
        self.params = params
        self.out = out
        self.seq = next(_seq)    # negative: the newest node is the smallest, first off a min-heap
        self.site = mode.site
        self.name = None
        self.retain = None       # the output tensor, after its retain_grad() (a cycle, on request)

    def __repr__(self):
        return f"<{self.op.node_name}>"


def to_data(value):
    """Convert a number, bool, nested list or array to tensor data (float64 or bool)."""
    t = type(value)
    if t is _f64 or t is _bool_:
        return value
    if t is float or t is int:
        return _f64(value)
    if t is bool:
        return _bool_(value)
    if t is _ndarray:
        return norm_data(value)
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise GValueError(f"cannot make a tensor from this value: {exc}") from None
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        raise GTypeError("a tensor holds numbers only")
    return norm_data(arr)


def norm_data(out):
    """Normalise numpy output: float64 or bool, 0-d as a numpy scalar."""
    t = type(out)
    if t is _f64:
        return out
    if t is _ndarray:
        dt = out.dtype
        if dt is not F64 and dt is not BOOL:
            out = out.astype(np.float64) if dt.kind != "b" else out.astype(np.bool_)
        return out if out.ndim else out[()]
    if t is _bool_:
        return out
    if t is bool:
        return _bool_(out)
    return norm_data(np.asarray(out))



def fmt_shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"



class no_grad:
    """Context manager: ops inside record no graph."""

    _enabled = False

    def __repr__(self):
        return f"{type(self).__name__}()"

    def __enter__(self):
        self.prev = mode.enabled
        mode.enabled = self._enabled
        return self

    def __exit__(self, *exc):
        mode.enabled = self.prev
        return False


class enable_grad(no_grad):
    """Context manager: ops inside record the graph even within `no_grad`."""

    _enabled = True


def is_grad_enabled():
    return mode.enabled

