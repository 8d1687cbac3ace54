"""The name table: what a G script can name, and the attributes and methods of its values.

Nothing beyond LANGUAGE.md §6–§8 is reachable: built-ins are explicit `BuiltinFunction`s, the
`torch` namespace holds the same ones under PyTorch's names, and tensor attributes come from
the explicit tables `TENSOR_PROPS` and `TENSOR_METHODS` — no Python attribute is ever looked up
by a name a script chose.
"""
from __future__ import annotations

import math

from .. import autograd as ag
from ..autograd import functions as fn
from ..autograd.tensor import Node, Tensor, as_int, as_tensor, const
from ..errors import GNameError, GradError
from . import builtin_functions as F
from .values import BuiltinFunction, DType, Namespace, number, type_name


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
        table[name] = _wrap(name, F.python_on_numbers(name, getattr(fn, name)))
    for name in ("tensor ones zeros eye arange linspace rand randn ones_like zeros_like rand_like "
                 "randn_like").split():
        table[name] = _wrap(name, F.creation(getattr(fn, name)))
    table["full"] = _wrap("full", F.creation(fn.full))
    table.update({
        "seed": _wrap("seed", F.seed),
        "backward": _wrap("backward", F.backward),
        "grad": _wrap("grad", F.grad),
        "jacobian": _wrap("jacobian", F.jacobian),
        "hessian": _wrap("hessian", F.hessian),
        "no_grad": _wrap("no_grad", F.no_grad),
        "enable_grad": _wrap("enable_grad", F.enable_grad),
        "zero_grad": _wrap("zero_grad", F.zero_grad),
        "print": _wrap("print", F.make_print(F.nothing)),
        "graph": _wrap("graph", F.make_graph(F.nothing)),
        "range": _wrap("range", F.range_),
        "len": _wrap("len", F.len_),
        "float": _wrap("float", F.float_),
        "int": _wrap("int", F.int_),
        "shape": _wrap("shape", F.shape),
        "numel": _wrap("numel", F.numel),
        "item": _wrap("item", F.item),
        "Variable": _wrap("Variable", F.variable),
        "FloatTensor": _wrap("FloatTensor", F.float_tensor),
    })
    table.update({"pi": number(math.pi), "e": number(math.e), "inf": number(math.inf),
                  "nan": number(math.nan)})
    return table


BUILTINS = _make_builtins()


def session_builtins(print_text, show_graph) -> dict:
    """The name table of one session: BUILTINS, with print() and graph() calling the session's
    own callbacks (BUILTINS' own two do nothing): no module-global hook."""
    return {**BUILTINS, "print": _wrap("print", F.make_print(print_text)),
            "graph": _wrap("graph", F.make_graph(show_graph))}


_dtypes = {n: DType(n) for n in ("float", "float32", "float64", "double", "float16", "half")}


def _functional_members():
    from ..autograd import nn   # here, for start-up time: torch.nn.functional is loaded when used
    return {**{n: BUILTINS[n] for n in ("relu", "sigmoid", "tanh")},
            **{n: _wrap(n, getattr(nn, n)) for n in nn.__all__}}


_functional = Namespace("torch.nn.functional", _functional_members)
_nn = Namespace("torch.nn", {"functional": _functional})
_autograd = Namespace("torch.autograd", {
    "grad": _wrap("torch.autograd.grad", F.torch_grad), "Variable": BUILTINS["Variable"],
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
    "shape": F.shape,
    "ndim": lambda t: number(t.data.ndim, True),
    "T": fn.T,
}
TENSOR_SETTERS = {"grad": _set_grad, "requires_grad": _set_requires_grad}

TENSOR_METHODS = {
    **{n: getattr(fn, n) for n in _ELEMENTWISE + _REDUCTIONS + _LINALG + _OTHER
       + "reshape transpose flatten squeeze unsqueeze permute broadcast_to".split()},
    "item": F.item, "numel": F.numel, "detach": lambda t: t.detach(),
    "requires_grad_": lambda t, requires_grad=True: t.requires_grad_(bool(requires_grad)),
    "backward": F.backward, "size": lambda t, axis=None: F.shape(t) if axis is None else F.shape(t)[as_int(axis)],
    "dim": lambda t: number(t.data.ndim, True), "view": fn.reshape, "t": fn.t, "expand": fn.expand,
    "amax": fn.amax, "amin": fn.amin,
    "mm": fn.matmul, "eq": fn.eq, "ne": fn.ne, "lt": fn.lt, "le": fn.le, "gt": fn.gt, "ge": fn.ge,
    "add": fn.add, "sub": fn.sub, "mul": fn.mul, "div": fn.div, "neg": fn.neg,
    "clone": F.clone, "float": lambda t: t, "double": lambda t: t, "tolist": F.tolist,
    "zero_grad": F.zero_grad, "zero_": F.zero_, "retain_grad": lambda t: t.retain_grad(),
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
    from ..render.diagnostics import did_you_mean   # here, for start-up time: it imports rich
    if isinstance(value, Namespace):
        msg = f"module '{value.name}' has no attribute '{name}'"
    else:
        msg = f"{type_name(value)} has no attribute '{name}'"
    close = did_you_mean(name, attribute_names(value))
    return GNameError(msg, hint=f"did you mean `{close}`?" if close else None)


__all__ = ["BUILTINS", "TORCH", "MODULES", "TENSOR_PROPS", "TENSOR_METHODS", "TENSOR_SETTERS",
           "GRAD_FN_METHODS", "session_builtins", "attribute_names", "no_attribute"]
