"""The name table: what a G script can name, and the attributes and methods of its values.

Nothing beyond LANGUAGE.md §6–§8 is reachable: built-ins are explicit `BuiltinFunction`s, the
`torch` namespace holds the same ones under PyTorch's names, and tensor attributes come from
the explicit tables `TENSOR_PROPS` and `TENSOR_METHODS` — no Python attribute is ever looked up
by a name a script chose.
"""
from __future__ import annotations

import math

import numpy as np

from .. import autograd as ag
from .. import limits
from ..autograd import functions as fn
from ..autograd import nn
from ..autograd.tensor import Node, Tensor, as_int, as_tensor, const, norm_data, to_data
from ..errors import GNameError, GradError, GTypeError, GValueError
from ..render.values import to_text
from .values import BuiltinFunction, DType, Namespace, Number, number, type_name


class Hooks:
    """What built-ins need from the running session (printing, graphs): set by the runtime."""

    print = staticmethod(lambda text: None)
    graph = staticmethod(lambda t: None)


hooks = Hooks()

_ALIASES = {"dim": "axis", "keepdim": "keepdims", "input": None}


def _plain_kwargs(kwargs):
    """PyTorch spellings accepted for compatibility: dim= is axis=, keepdim= is keepdims=,
    dtype= (G is float64 throughout) is accepted and ignored."""
    out = {}
    for k, v in kwargs.items():
        if k == "dtype" or k == "device":
            continue
        out[_ALIASES.get(k) or k] = v
    return out


# ----- built-ins that are more than an engine function -----

def _print(*values, sep=" ", end=None):
    if not isinstance(sep, str):
        raise GTypeError("print: sep must be a string")
    hooks.print(sep.join(to_text(v) for v in values))


def _graph(t):
    if not isinstance(t, Tensor):
        raise GTypeError(f"graph() takes a tensor, not {type_name(t)}")
    hooks.graph(t)


def _len(x):
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


def _shape(x):
    return tuple(number(s, True) for s in as_tensor(x).data.shape)


def _numel(x):
    return number(as_tensor(x).data.size, True)


def _item(x):
    t = as_tensor(x)
    return number(t.item(), False)


def _float(x=0.0):
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
    return _item(x)


def _int(x=0):
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


def _range(*args):
    if not 1 <= len(args) <= 3:
        raise GTypeError(f"range takes 1 to 3 arguments, not {len(args)}")
    ints = [as_int(a, "a range bound") for a in args]
    if len(ints) == 3 and ints[2] == 0:
        raise GValueError("range: the step cannot be zero")
    return range(*ints)


def _tensor_list(xs, name):
    if isinstance(xs, Tensor):
        return [xs]
    if isinstance(xs, (list, tuple)):
        for x in xs:
            if not isinstance(x, Tensor):
                raise GTypeError(f"{name}: expected tensors, got {type_name(x)}")
        return list(xs)
    raise GTypeError(f"{name}: expected a tensor or a list of tensors, not {type_name(xs)}")


def _grad(y, xs=None, grad_outputs=None, create_graph=False, retain_graph=None):
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
    xs = _tensor_list(xs, name)
    for x in xs:
        if not x.requires_grad:
            raise GradError(f"{name}: an input does not require grad, so nothing was recorded for it; "
                            "mark it with requires_grad=True (or --wrt NAME)")
    return xs


def _torch_grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
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


def _backward(t, gradient=None, retain_graph=None, create_graph=False):
    if not isinstance(t, Tensor):
        raise GTypeError(f"backward() needs a tensor, not {type_name(t)}")
    if isinstance(gradient, list):
        gradient = as_tensor(gradient)
    ag.backward(t, gradient, retain_graph, bool(create_graph))


def _zero_grad(*ts):
    for t in ts:
        for x in _tensor_list(t, "zero_grad"):
            x.grad = None


def _zero_(t):
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


def _jacobian(f_or_y, x, create_graph=False):
    if isinstance(f_or_y, Tensor) and isinstance(x, (list, tuple)):
        # §4: a list of inputs is taken as it is (w.r.t. those tensors), one Jacobian each
        return [ag.jacobian(f_or_y, xi, bool(create_graph)) for xi in _inputs(x, "jacobian")]
    if isinstance(f_or_y, Tensor):
        x = _inputs(as_tensor(x), "jacobian")[0]
    return ag.jacobian(f_or_y, as_tensor(x), bool(create_graph))


def _hessian(f_or_y, x, create_graph=False):
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


def _variable(t, requires_grad=False, volatile=None):
    """Variable(t, requires_grad=False): a leaf copy of t (old PyTorch)."""
    leaf = const(as_tensor(t).data)
    if requires_grad:
        leaf.requires_grad_(True)
    return leaf


def _float_tensor(*args, requires_grad=False):
    """torch.FloatTensor(data) is tensor(data); torch.FloatTensor(2, 3) a tensor of that shape."""
    if args and all(isinstance(a, Tensor) and a.data.ndim == 0 for a in args) and len(args) >= 1 \
            and not (len(args) == 1 and type(args[0]) is not Number):
        return fn.zeros(*args, requires_grad=requires_grad)
    if len(args) != 1:
        raise GTypeError("FloatTensor takes the data, or a shape")
    return fn.tensor(args[0], requires_grad=requires_grad)


def _creation(f):
    def make(*args, requires_grad=False, **kwargs):
        kwargs = _plain_kwargs(kwargs)
        return f(*args, requires_grad=bool(requires_grad), **kwargs)
    make.__doc__ = f.__doc__
    return make


def _clone(t):
    return fn.clone(t) if t.requires_grad else const(t.data)


def _tolist(t):
    n = t.data.size      # each number a Python float and a pointer to it: 32 bytes
    limits.reserve(n * 32, "list", f" of {n:,} numbers")
    data = t.data.tolist()

    def conv(v):
        if isinstance(v, list):
            return [conv(x) for x in v]
        return v if isinstance(v, bool) else number(v)
    return conv(data)


def _seed(n):
    fn.seed(n)


def _python_on_numbers(name, f):
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


def _no_grad():
    return ag.no_grad()


def _enable_grad():
    return ag.enable_grad()


# ----- the table -----

_ELEMENTWISE = ("abs exp log log1p sqrt sin cos tan asin acos atan sinh cosh tanh sigmoid relu "
                "softplus sign floor ceil round").split()
_REDUCTIONS = "sum mean prod max min var std logsumexp norm softmax log_softmax any all".split()
_SHAPE = "reshape transpose flatten squeeze unsqueeze stack cat permute broadcast_to".split()
_LINALG = "matmul dot outer trace inv det".split()
_OTHER = "pow maximum minimum clamp where isnan isinf detach".split()


def _wrap(name, f):
    return BuiltinFunction(name, f)


def _make_builtins():
    table = {}
    for name in _ELEMENTWISE + _REDUCTIONS + _SHAPE + _LINALG + _OTHER:
        table[name] = _wrap(name, getattr(fn, name))
    for name in ("round", "abs"):
        table[name] = _wrap(name, _python_on_numbers(name, getattr(fn, name)))
    for name in ("tensor ones zeros eye arange linspace rand randn ones_like zeros_like rand_like "
                 "randn_like").split():
        table[name] = _wrap(name, _creation(getattr(fn, name)))
    table["full"] = _wrap("full", _creation(fn.full))
    table.update({
        "seed": _wrap("seed", _seed),
        "backward": _wrap("backward", _backward),
        "grad": _wrap("grad", _grad),
        "jacobian": _wrap("jacobian", _jacobian),
        "hessian": _wrap("hessian", _hessian),
        "no_grad": _wrap("no_grad", _no_grad),
        "enable_grad": _wrap("enable_grad", _enable_grad),
        "zero_grad": _wrap("zero_grad", _zero_grad),
        "print": _wrap("print", _print),
        "graph": _wrap("graph", _graph),
        "range": _wrap("range", _range),
        "len": _wrap("len", _len),
        "float": _wrap("float", _float),
        "int": _wrap("int", _int),
        "shape": _wrap("shape", _shape),
        "numel": _wrap("numel", _numel),
        "item": _wrap("item", _item),
        "Variable": _wrap("Variable", _variable),
        "FloatTensor": _wrap("FloatTensor", _float_tensor),
    })
    table.update({"pi": number(math.pi), "e": number(math.e), "inf": number(math.inf),
                  "nan": number(math.nan)})
    return table


BUILTINS = _make_builtins()

_dtypes = {n: DType(n) for n in ("float", "float32", "float64", "double", "float16", "half")}
_functional = Namespace("torch.nn.functional", {
    **{n: BUILTINS[n] for n in ("relu", "sigmoid", "tanh")},
    **{n: _wrap(n, getattr(nn, n)) for n in nn.__all__},
})
_nn = Namespace("torch.nn", {"functional": _functional})
_autograd = Namespace("torch.autograd", {
    "grad": _wrap("torch.autograd.grad", _torch_grad), "Variable": BUILTINS["Variable"],
    "backward": BUILTINS["backward"],
    "functional": Namespace("torch.autograd.functional", {
        "jacobian": BUILTINS["jacobian"], "hessian": BUILTINS["hessian"]}),
})
TORCH = Namespace("torch", {
    **{k: v for k, v in BUILTINS.items() if k not in ("print", "graph", "range", "len", "shape", "item",
                                                     "grad", "backward", "jacobian", "hessian", "seed",
                                                     "zero_grad", "Variable", "e", "inf", "nan",
                                                     "float", "int")},
    "FloatTensor": BUILTINS["FloatTensor"], "DoubleTensor": BUILTINS["FloatTensor"],
    "Tensor": BUILTINS["FloatTensor"], "autograd": _autograd, "nn": _nn,
    "manual_seed": BUILTINS["seed"], "pi": BUILTINS["pi"], "e": BUILTINS["e"], "inf": BUILTINS["inf"],
    "nan": BUILTINS["nan"], "exp": BUILTINS["exp"], "clip": BUILTINS["clamp"],
    "is_grad_enabled": _wrap("is_grad_enabled", lambda: ag.is_grad_enabled()),
    "eq": _wrap("eq", fn.eq), "ne": _wrap("ne", fn.ne), "lt": _wrap("lt", fn.lt),
    "gt": _wrap("gt", fn.gt), "le": _wrap("le", fn.le), "ge": _wrap("ge", fn.ge),
    "add": _wrap("add", fn.add), "sub": _wrap("sub", fn.sub), "mul": _wrap("mul", fn.mul),
    "div": _wrap("div", fn.div), "neg": _wrap("neg", fn.neg), "mm": _wrap("mm", fn.matmul),
    "amax": _wrap("amax", fn.amax), "amin": _wrap("amin", fn.amin),
    "numel": BUILTINS["numel"], "erf": _wrap("erf", fn.erf),
    **_dtypes,
})
BUILTINS["torch"] = TORCH

# Modules a script may import (LANGUAGE.md §3), and what `from M import name` can take.
MODULES = {"torch": TORCH, "torch.autograd": _autograd, "torch.nn": _nn,
           "torch.nn.functional": _functional, "torch.autograd.functional": _autograd.members["functional"]}


# ----- attributes of tensors (§6) -----

def _set_grad(t, value):
    if value is None:
        t.grad = None
        return
    g = as_tensor(value)
    if g.data.shape != t.data.shape:
        raise GradError(f"a .grad must have the tensor's shape {t.data.shape}, not {g.data.shape}")
    t.grad = g


def _set_requires_grad(t, value):
    t.requires_grad_(bool(value))


TENSOR_PROPS = {
    # PyTorch's .data shares the values: for a tensor that needs no gradient, the tensor itself
    # (so w.grad.data.zero_() resets w.grad); else a detached copy
    "data": lambda t: t if not t.requires_grad else const(t.data),
    "grad": lambda t: t.grad,
    "grad_fn": lambda t: t.grad_fn,
    "requires_grad": lambda t: bool(t.requires_grad),
    "is_leaf": lambda t: t.grad_fn is None,
    "retains_grad": lambda t: t.retains_grad,
    "shape": _shape,
    "ndim": lambda t: number(t.data.ndim, True),
    "T": fn.T,
}
TENSOR_SETTERS = {"grad": _set_grad, "requires_grad": _set_requires_grad}

TENSOR_METHODS = {
    **{n: getattr(fn, n) for n in _ELEMENTWISE + _REDUCTIONS + _LINALG + _OTHER
       + "reshape transpose flatten squeeze unsqueeze permute broadcast_to".split()},
    "item": _item, "numel": _numel, "detach": lambda t: t.detach(),
    "requires_grad_": lambda t, requires_grad=True: t.requires_grad_(bool(requires_grad)),
    "backward": _backward, "size": lambda t, axis=None: _shape(t) if axis is None else _shape(t)[as_int(axis)],
    "dim": lambda t: number(t.data.ndim, True), "view": fn.reshape, "t": fn.t, "expand": fn.expand,
    "amax": fn.amax, "amin": fn.amin,
    "mm": fn.matmul, "eq": fn.eq, "ne": fn.ne, "lt": fn.lt, "le": fn.le, "gt": fn.gt, "ge": fn.ge,
    "add": fn.add, "sub": fn.sub, "mul": fn.mul, "div": fn.div, "neg": fn.neg,
    "clone": _clone, "float": lambda t: t, "double": lambda t: t, "tolist": _tolist,
    "zero_grad": _zero_grad, "zero_": _zero_, "retain_grad": lambda t: t.retain_grad(),
    "clip": fn.clamp, "exp_": None,
}
del TENSOR_METHODS["exp_"]

GRAD_FN_METHODS = {"name": lambda node: node.op.node_name}


def attribute_names(value):
    """The attribute names a value has (for errors' did-you-mean and the REPL's completion)."""
    if isinstance(value, Tensor):
        return sorted(set(TENSOR_PROPS) | set(TENSOR_METHODS))
    if isinstance(value, Namespace):
        return sorted(value.members)
    if isinstance(value, Node):
        return sorted(GRAD_FN_METHODS)
    return []


def no_attribute(value, name):
    from ..render.diagnostics import did_you_mean
    if isinstance(value, Namespace):
        msg = f"module '{value.name}' has no attribute '{name}'"
    else:
        msg = f"{type_name(value)} has no attribute '{name}'"
    close = did_you_mean(name, attribute_names(value))
    return GNameError(msg, hint=f"did you mean `{close}`?" if close else None)


__all__ = ["BUILTINS", "TORCH", "MODULES", "TENSOR_PROPS", "TENSOR_METHODS", "TENSOR_SETTERS",
           "GRAD_FN_METHODS", "hooks", "attribute_names", "no_attribute", "_plain_kwargs",
           "norm_data", "to_data", "np"]
