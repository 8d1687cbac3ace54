"""The built-ins that are more than an engine function (`builtins.py` names them all).

Printing and graphs (through the session's callbacks), `len`/`shape`/`numel`/`item`, Python's
`int`/`float`/`range` and its `round`/`abs` on plain numbers, `grad`/`jacobian`/`hessian`/
`backward`/`zero_grad`, PyTorch's `torch.autograd.grad`, `Variable` and `FloatTensor`, and the
creation functions with `requires_grad=`.
"""
from __future__ import annotations

import math

import numpy as np

from .. import autograd as ag
from .. import limits
from ..autograd import functions as fn
from ..autograd.tensor import Tensor, as_int, as_tensor, const
from ..errors import GradError, GTypeError, GValueError
from ..render.values import to_text
from .values import BuiltinFunction, Namespace, Number, number, type_name


_ALIASES = {"dim": "axis", "keepdim": "keepdims", "input": None}


def plain_kwargs(kwargs):
    """PyTorch spellings accepted for compatibility: dim= is axis=, keepdim= is keepdims=,
    dtype= (G is float64 throughout) is accepted and ignored."""
    out = {}
    for k, v in kwargs.items():
        if k == "dtype" or k == "device":
            continue
        out[_ALIASES.get(k) or k] = v
    return out


def make_print(print_text):
    """print(): its text goes to `print_text` (the session's callback)."""
    def print_(*values, sep=" ", end=None):
        if not isinstance(sep, str):
            raise GTypeError("print: sep must be a string")
        print_text(sep.join(to_text(v) for v in values))
    return print_


def make_graph(show_graph):
    """graph(t): the tensor goes to `show_graph` (the session's callback)."""
    def graph(t):
        if not isinstance(t, Tensor):
            raise GTypeError(f"graph() takes a tensor, not {type_name(t)}")
        show_graph(t)
    return graph


def nothing(x):
    return None


def len_(x):
    if isinstance(x, Tensor):
        if x.data.ndim == 0:
            raise GTypeError("len() of a 0-d tensor")
        return number(x.data.shape[0], True)
    if type(x) is range:
        try:
            return number(len(x), True)
        except OverflowError:           # range(1e300): more than C's ssize_t counts
            lo, hi, step = (x.start, x.stop, x.step) if x.step > 0 else (x.stop, x.start, -x.step)
            return number(float((hi - lo + step - 1) // step) if hi > lo else 0.0, False)
    if isinstance(x, (list, tuple, str)):
        return number(len(x), True)
    raise GTypeError(f"len() of {type_name(x)}")


def shape(x):
    return tuple(number(s, True) for s in as_tensor(x).data.shape)


def numel(x):
    return number(as_tensor(x).data.size, True)


def item(x):
    t = as_tensor(x)
    return number(t.item(), False)


def float_(x=0.0):
    """Python's float(x): a plain number from a number, a one-element tensor or a string
    ('nan', 'inf', '-inf', '2.5e3'), as in `float('nan')`."""
    if isinstance(x, str):
        try:
            return number(float(x.strip()), False)
        except ValueError:
            raise GValueError(f"float(): cannot read a number in {x!r}") from None
    return number(float(_one_number(x, "float").data), False)


def _one_number(x, name):
    if x is None or isinstance(x, (range, Namespace)) or callable(x):
        raise GTypeError(f"{name}() needs a number, a one-element tensor or a string, "
                         f"not {type_name(x)}")
    return item(x)


def int_(x=0):
    """Python's int(x): a whole number, truncated toward zero."""
    if isinstance(x, str):
        try:
            return number(int(x.strip()), True)
        except ValueError:
            raise GValueError(f"int(): cannot read a whole number in {x!r}") from None
    v = float(_one_number(x, "int").data)
    if not math.isfinite(v):
        raise GValueError(f"int() of {v!r}: not a finite number")
    return number(int(v), True)


def range_(*args):
    if not 1 <= len(args) <= 3:
        raise GTypeError(f"range takes 1 to 3 arguments, not {len(args)}")
    ints = [as_int(a, "a range bound") for a in args]
    if len(ints) == 3 and ints[2] == 0:
        raise GValueError("range: the step cannot be zero")
    return range(*ints)


def tensor_list(xs, name):
    if isinstance(xs, Tensor):
        return [xs]
    if isinstance(xs, (list, tuple)):
        for x in xs:
            if not isinstance(x, Tensor):
                raise GTypeError(f"{name}: expected tensors, got {type_name(x)}")
        return list(xs)
    raise GTypeError(f"{name}: expected a tensor or a list of tensors, not {type_name(xs)}")


def grad(y, xs=None, grad_outputs=None, create_graph=False, retain_graph=None):
    """grad(y, x) -> dy/dx (a list for a list); grad(f) -> the function computing f's gradient."""
    if xs is None:
        if callable(y) and not isinstance(y, Tensor):
            g = ag.grad_of(y)
            return BuiltinFunction(f"grad({getattr(y, 'name', 'f')})", g)
        raise GTypeError("grad(y, x) needs the inputs x; grad(f) takes a function")
    if not isinstance(y, Tensor):
        raise GTypeError(f"grad: y must be a tensor, not {type_name(y)}")
    if isinstance(xs, (list, tuple)):
        return list(ag.grad(y, _inputs(xs, "grad"), grad_outputs, bool(create_graph)))
    if not isinstance(xs, Tensor):
        raise GTypeError(f"grad: x must be a tensor or a list of tensors, not {type_name(xs)}")
    return ag.grad(y, _inputs(xs, "grad")[0], grad_outputs, bool(create_graph))


def _inputs(xs, name):
    """The tensors to differentiate with respect to; each must require grad (as in PyTorch),
    else the answer would be a silent zero."""
    xs = tensor_list(xs, name)
    for x in xs:
        if not x.requires_grad:
            raise GradError(f"{name}: an input does not require grad, so nothing was recorded for it; "
                            "mark it with requires_grad=True (or --wrt NAME)")
    return xs


def torch_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
                allow_unused=None):
    """torch.autograd.grad: always a tuple, as in PyTorch."""
    if isinstance(outputs, (list, tuple)):
        if len(outputs) != 1:
            raise GTypeError("torch.autograd.grad: give one output tensor")
        outputs = outputs[0]
    if isinstance(grad_outputs, (list, tuple)) and len(grad_outputs) == 1 and \
            isinstance(grad_outputs[0], Tensor):
        grad_outputs = grad_outputs[0]
    xs = _inputs(inputs, "torch.autograd.grad")
    return tuple(ag.grad(outputs, xs, grad_outputs, bool(create_graph)))


def backward(t, gradient=None, retain_graph=None, create_graph=False):
    if not isinstance(t, Tensor):
        raise GTypeError(f"backward() needs a tensor, not {type_name(t)}")
    if isinstance(gradient, list):
        gradient = as_tensor(gradient)
    ag.backward(t, gradient, retain_graph, bool(create_graph))


def zero_grad(*ts):
    for t in ts:
        for x in tensor_list(t, "zero_grad"):
            x.grad = None


def zero_(t):
    """t.zero_(): PyTorch's in-place reset, for what PyTorch allows it on: a tensor that needs no
    gradient (`w.grad.zero_()`), or a leaf inside `with no_grad():`. Same tensor, new values."""
    if isinstance(t, Number):      # a literal's value may be shared: numbers never change
        raise GTypeError("zero_() changes a tensor in place; a plain number cannot change "
                         "(write x = 0)")
    if t.requires_grad and (t.grad_fn is not None or ag.is_grad_enabled()):
        what = "a leaf that requires grad" if t.grad_fn is None else "a tensor computed with autograd"
        raise GradError(f"zero_() cannot change {what} in place here (PyTorch: 'a leaf Variable that "
                        f"requires grad is being used in an in-place operation'); reset a gradient with "
                        f"w.grad.zero_() or w.grad = None, or change a leaf inside `with no_grad():`")
    t.update_(np.zeros(t.data.shape) if t.data.ndim else np.float64(0.0))
    return t


def jacobian(f_or_y, x, create_graph=False):
    if isinstance(f_or_y, Tensor) and isinstance(x, (list, tuple)):
        # §4: a list of inputs is taken as it is (w.r.t. those tensors), one Jacobian each
        return [ag.jacobian(f_or_y, xi, bool(create_graph)) for xi in _inputs(x, "jacobian")]
    if isinstance(f_or_y, Tensor):
        x = _inputs(as_tensor(x), "jacobian")[0]
    return ag.jacobian(f_or_y, as_tensor(x), bool(create_graph))


def hessian(f_or_y, x, create_graph=False):
    if isinstance(f_or_y, Tensor) and isinstance(x, (list, tuple)):
        # §4: a list of inputs is taken as it is; the blocks d²y/dxi dxj, as a list of lists
        xs = _inputs(x, "hessian")
        if f_or_y.data.size != 1:
            raise GradError(f"hessian needs a scalar output, got shape {f_or_y.data.shape}")
        with ag.enable_grad():
            gs = ag.grad(fn.reshape(f_or_y, ()), xs, None, True)
        return [[ag.jacobian(g, xj, bool(create_graph)) for xj in xs] for g in gs]
    if isinstance(f_or_y, Tensor):
        x = _inputs(as_tensor(x), "hessian")[0]
    return ag.hessian(f_or_y, as_tensor(x), bool(create_graph))


def variable(t, requires_grad=False, volatile=None):
    """Variable(t, requires_grad=False): a leaf copy of t (old PyTorch)."""
    leaf = const(as_tensor(t).data)
    if requires_grad:
        leaf.requires_grad_(True)
    return leaf


def float_tensor(*args, requires_grad=False):
    """torch.FloatTensor(data) is tensor(data); torch.FloatTensor(2, 3) a tensor of that shape."""
    if args and all(isinstance(a, Tensor) and a.data.ndim == 0 for a in args) and len(args) >= 1 \
            and not (len(args) == 1 and type(args[0]) is not Number):
        return fn.zeros(*args, requires_grad=requires_grad)
    if len(args) != 1:
        raise GTypeError("FloatTensor takes the data, or a shape")
    return fn.tensor(args[0], requires_grad=requires_grad)


def creation(f):
    def make(*args, requires_grad=False, **kwargs):
        kwargs = plain_kwargs(kwargs)
        return f(*args, requires_grad=bool(requires_grad), **kwargs)
    make.__doc__ = f.__doc__
    return make


def clone(t):
    return fn.clone(t) if t.requires_grad else const(t.data)


def tolist(t):
    n = t.data.size      # each number a Python float and a pointer to it: 32 bytes
    limits.reserve(n * 32, "list", f" of {n:,} numbers")
    data = t.data.tolist()

    def conv(v):
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v if isinstance(v, bool) else number(v)
    return conv(data)


def seed(n):
    fn.seed(n)


def python_on_numbers(name, f):
    """`round` and `abs` of plain numbers are Python's (`round(loss.item(), 4)` prints 0.1234,
    `round(2.5)` prints 2, as in a PyTorch script); of tensors, the elementwise functions."""
    def call(x, *args, **kwargs):
        if type(x) is Number and not kwargs and all(type(a) is Number for a in args) and len(args) <= 1:
            v = float(x.data)
            if name == "abs":
                return number(abs(v), x.is_int) if not args else f(x, *args)
            if not math.isfinite(v):
                return number(v)
            if not args:
                return number(round(v), True)
            digits = as_int(args[0], "the number of digits")
            return number(round(v, digits), x.is_int)
        return f(x, *args, **kwargs)
    call.__doc__ = f.__doc__
    return call


def no_grad():
    return ag.no_grad()


def enable_grad():
    return ag.enable_grad()
