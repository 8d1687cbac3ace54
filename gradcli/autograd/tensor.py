"""Tensor, graph Node, grad mode, and the one function that records an op: `apply`.

A Tensor holds float64 numpy data (an `np.float64` scalar for 0-d tensors, because numpy scalars
are several times faster than 0-d arrays) or boolean data (from comparisons). Tensor values never
change, with one exception: `Tensor.update_` on a leaf, used for the SGD step under `no_grad`.

Graph nodes point only backwards (node -> input tensors -> their nodes), never from a node to
the tensor it produced, so a graph holds no reference cycles and plain reference counting frees it
the moment the last tensor of it is dropped — the cyclic garbage collector has nothing to do.
"""
from __future__ import annotations

import gc
import itertools
import math

import numpy as np

from .. import limits
from ..limits import fmt_int  # noqa: F401 (re-exported: messages of the engine use it)
from ..errors import GradError, GTypeError, GValueError, ShapeError

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
_BIG_ELEMS = limits.BIG_ELEMS    # results from this many elements on are accounted before they are made


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

    def backward(self, gradient=None, retain_graph=None, create_graph=False):
        from .engine import backward
        backward(self, gradient, create_graph=create_graph)

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
        try:
            from ..render.tensors import format_tensor
        except ImportError:  # the renderer is optional for the engine as a library
            return f"tensor({self.data!r})"
        return format_tensor(self.data, requires_grad=self.requires_grad and self.grad_fn is None,
                             grad_fn_name=self.grad_fn.op.node_name if self.grad_fn else None)

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
        from .ops import stack_nested
        return stack_nested(value)
    return const(to_data(value))


def _flat(values):
    stack = [values]
    while stack:
        v = stack.pop()
        if isinstance(v, (list, tuple)):
            stack.extend(v)
        else:
            yield v


def fmt_shape(shape):
    return "(" + ", ".join(str(s) for s in shape) + ("," if len(shape) == 1 else "") + ")"


CONST = const(_f64(0.0))   # stands for a plain-number operand among a node's inputs
_NONE1 = (None,)
_NONE2 = (None, None)


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
    shapes = [d.shape for d in datas]
    try:
        if op.name == "matmul":
            a, b = shapes
            if not a or not b:
                return
            n = math.prod(np.broadcast_shapes(a[:-2], b[:-2])) * (a[-2] if len(a) > 1 else 1) * \
                (b[-1] if len(b) > 1 else 1)
        elif op.name in ("cat", "stack"):
            n = sum(d.size for d in datas)
        elif op.broadcast:
            n = math.prod(np.broadcast_shapes(*shapes))
        else:
            return
    except ValueError:
        return
    limits.check_elements(n)


def _memory_error():
    from ..errors import LimitError
    return LimitError(f"out of memory: this value does not fit in the memory limit of "
                      f"{limits.size_text(limits.max_bytes)}; raise it with --max-memory SIZE")


def unary_fn(op):
    """A fast function applying a one-input op with no parameters (sin, exp, neg …)."""
    fwd = op.fast or (lambda x: op.forward(None, x))
    save = op.save_out
    drop = op.drop is not None and op.drop[1][0]   # the VJP does not read x: keep only its node

    def f(x):
        if type(x) is not Tensor:
            x = as_tensor(x)
        xd = x.data
        if xd.size > _BIG_ELEMS:
            limits.check_elements(xd.size)
        try:
            out = fwd(xd)
            if type(out) is not _f64 and (type(out) is not _ndarray or out.dtype is not F64 or not out.ndim):
                if xd.dtype is BOOL and out.dtype.kind == "f":   # numpy: exp(True) in float16
                    out = fwd(xd.astype(np.float64))
                out = norm_data(out)
        except (ValueError, TypeError) as exc:
            raise op.error(exc, (x,), None) from None
        except MemoryError:
            raise _memory_error() from None
        r = _new(Tensor)
        r.data = out
        r.grad = None
        if x.requires_grad and mode.enabled:
            r.requires_grad = True
            n = _new(Node)                  # Node.__init__'s work, inline (see binary_fn)
            n.op = op
            if drop and not mode.keep:      # elementwise: x has the output's shape
                xn = x.grad_fn
                n.inputs = (x,) if xn is None else (xn,)
                n.saved = _NONE1
            else:
                n.inputs = (x,)
                n.saved = (xd,)
            n.params = None
            n.out = out if save else None
            n.seq = next(_seq)
            n.site = mode.site
            n.name = None
            n.retain = None
            r.grad_fn = n
        else:
            r.requires_grad = False
            r.grad_fn = None
        return r
    f.__name__ = op.name
    return f


def binary_fn(op):
    """A fast function applying a two-input op with no parameters (add, mul, matmul …).

    A plain number operand is not made into a tensor: the node keeps its value in `saved` and
    the shared constant `CONST` stands in its place among the inputs. The node is built inline
    (`Node.__init__`'s work without its call): this is the hottest path of graph building.
    """
    fwd = op.fast or (lambda a, b: op.forward(None, a, b))
    drop = op.drop
    save = op.save_out

    def f(a, b):
        if type(a) is Tensor:
            ad = a.data
        elif type(a) is float or type(a) is int:
            ad = _f64(a)
            a = CONST
        else:
            a = as_tensor(a)
            ad = a.data
        if type(b) is Tensor:
            bd = b.data
        elif type(b) is float or type(b) is int:
            bd = _f64(b)
            b = CONST
        else:
            b = as_tensor(b)
            bd = b.data
        if ad.size * bd.size > _BIG_ELEMS:       # bounds the result of broadcasting and of @
            reserve_result(op, (ad, bd))
        try:
            out = fwd(ad, bd)
        except (ValueError, TypeError, ZeroDivisionError) as exc:
            raise op.error(exc, (a if a is not CONST else const(ad), b if b is not CONST else const(bd)),
                           None) from None
        except MemoryError:
            raise _memory_error() from None
        if type(out) is not _f64 and (type(out) is not _ndarray or out.dtype is not F64 or not out.ndim):
            out = norm_data(out)
        r = _new(Tensor)
        r.data = out
        r.grad = None
        ra = a.requires_grad
        rb = b.requires_grad
        if (ra or rb) and mode.enabled:
            r.requires_grad = True
            if drop is not None and not mode.keep:     # `_lean`, inline
                da, db = drop[ra + 2 * rb]
                # an input dropped for its node must have the output's shape: sure when the
                # other operand is a number (or everything is 0-d), else compared
                anum = a is CONST
                bnum = b is CONST
                if da:
                    if not ra:
                        a = CONST
                        ad = None
                    elif a.grad_fn is None:
                        ad = None
                    elif bnum or type(out) is _f64 or ad.shape == out.shape:
                        a = a.grad_fn
                        ad = None
                if db:
                    if not rb:
                        b = CONST
                        bd = None
                    elif b.grad_fn is None:
                        bd = None
                    elif anum or type(out) is _f64 or bd.shape == out.shape:
                        b = b.grad_fn
                        bd = None
            n = _new(Node)
            n.op = op
            n.inputs = (a, b)
            n.saved = (ad, bd) if ad is not None or bd is not None else _NONE2
            n.params = None
            n.out = out if save else None
            n.seq = next(_seq)
            n.site = mode.site
            n.name = None
            n.retain = None
            r.grad_fn = n
        else:
            r.requires_grad = False
            r.grad_fn = None
        return r
    f.__name__ = op.name
    return f


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
