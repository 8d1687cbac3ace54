"""The values of G that are not plain engine tensors.

- `Number`: a plain number (a literal, `len()`, `item()`, a `range` loop variable, arithmetic
  among them). It *is* a 0-d tensor — every number is — but it prints like a Python number
  (`6`, `4.5`), as a calculator would, until it touches autograd.
- `Namespace`: `torch`, `torch.autograd`, … — attribute tables of built-ins.
- `UserFunction`: a `def`. `BuiltinFunction`: a named Python callable exposed to scripts.

How they print is `render/values.py`'s business.
"""
from __future__ import annotations

import numpy as np

from ..autograd.tensor import Node, Tensor, _new
from ..render.values import number_text


class Number(Tensor):
    """A plain number: a 0-d float64 tensor that does not require grad, printed like Python's."""

    __slots__ = ("is_int",)

    def __repr__(self):
        return number_text(self)


def number(value, is_int=False):
    t = _new(Number)
    t.data = np.float64(value)
    t.requires_grad = False
    t.grad = None
    t.grad_fn = None
    t.is_int = is_int
    return t


_INT_OPS = {"+", "-", "*", "%"}


def number_binop(op, a, b, value):
    """The result of `a op b` for two plain numbers, already computed as `value` (float64)."""
    is_int = a.is_int and b.is_int and (op in _INT_OPS or (op == "**" and float(b.data) >= 0))
    return number(value, is_int)


class Namespace:
    """A module-like table of names (`torch`, `torch.autograd`)."""

    __slots__ = ("name", "members")

    def __init__(self, name, members):
        self.name = name
        self.members = members

    def __repr__(self):
        return f"<module '{self.name}'>"


class BuiltinFunction:
    """A built-in exposed to scripts: a Python callable with the name users know it by."""

    __slots__ = ("name", "fn", "doc")

    def __init__(self, name, fn, doc=None):
        self.name = name
        self.fn = fn
        self.doc = doc or (fn.__doc__ or "").strip().split("\n")[0]

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return f"<built-in function {self.name}>"


class DType:
    """`torch.float`, `torch.float64` …: accepted as `dtype=` and ignored (G is float64)."""

    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return f"torch.{self.name}"


def type_name(value) -> str:
    """The kind of a value, in words, for error messages."""
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, Tensor):
        return "a tensor" if value.data.dtype != np.bool_ else "a boolean tensor"
    if value is None:
        return "None"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, range):
        return "a range"
    if isinstance(value, Namespace):
        return f"the module {value.name}"
    if isinstance(value, Node):
        return "a grad_fn"
    if callable(value):
        return "a function"
    return type(value).__name__
