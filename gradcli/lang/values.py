"""The values of G that are not plain engine tensors, and how every value prints.

- `Number`: a plain number (a literal, `len()`, `item()`, a `range` loop variable, arithmetic
  among them). It *is* a 0-d tensor — every number is — but it prints like a Python number
  (`6`, `4.5`), as a calculator would, until it touches autograd.
- `Namespace`: `torch`, `torch.autograd`, … — attribute tables of built-ins.
- `UserFunction`: a `def`. `BuiltinFunction`: a named Python callable exposed to scripts.
"""
from __future__ import annotations

import math
import re

import numpy as np

from ..autograd.tensor import Node, Tensor, _new, set_repr
from ..errors import GTypeError, GValueError
from ..render.tensors import format_tensor


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


def number_text(n):
    v = float(n.data)
    if n.is_int and math.isfinite(v):
        return str(int(v))
    return repr(v)


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


def to_text(value) -> str:
    """How `print` and the REPL show a value."""
    if type(value) is Number:
        return number_text(value)
    if isinstance(value, Tensor):
        return format_tensor(value.data, requires_grad=value.requires_grad and value.grad_fn is None,
                             grad_fn_name=value.grad_fn.op.node_name if value.grad_fn else None)
    if value is None or isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, tuple):
        inner = ", ".join(_inner(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_inner(v) for v in value) + "]"
    if isinstance(value, range):
        return f"range({value.start}, {value.stop}" + (f", {value.step})" if value.step != 1 else ")")
    return repr(value)


set_repr(to_text)    # every Tensor's repr(), in f-strings and messages too: PyTorch's printing


def _inner(v) -> str:
    return repr(v) if isinstance(v, str) else to_text(v)


# Widths and precisions past this would build strings of gigabytes from a few characters.
_FORMAT_MAX = 100_000
_SPEC_NUMBERS = re.compile(r"\d+")


def format_value(value, conversion, spec) -> str:
    """One field of an f-string: `!r`/`!s`/`!a`, then the format spec, as Python formats.

    A 0-d tensor formats as its number (PyTorch's Tensor.__format__: `format(t.item(), spec)`);
    a larger one as its printed form, and only with an empty spec (a TypeError, as in PyTorch).
    Every other value formats as Python formats its text: a spec for it is a TypeError.
    """
    if conversion == "s":
        value = to_text(value)
    elif conversion is not None:                 # 'r' and 'a': strings in quotes, as repr()
        value = repr(value) if isinstance(value, str) else to_text(value)
        if conversion == "a":
            value = ascii(value)[1:-1] if not value.isascii() else value
    if spec and any(len(n) > 6 or int(n) > _FORMAT_MAX for n in _SPEC_NUMBERS.findall(spec)):
        raise GValueError(f"format spec '{spec}': a width or precision above {_FORMAT_MAX:,}")
    if isinstance(value, str):
        plain = value
    elif isinstance(value, bool):
        plain = value
    elif type(value) is Number:
        v = float(value.data)
        plain = int(v) if value.is_int and math.isfinite(v) else v
    elif isinstance(value, Tensor):
        if value.data.ndim == 0:
            plain = value.data.item()
        elif spec:
            raise GTypeError(f"unsupported format string passed to Tensor.__format__: "
                             f"'{spec}' formats a number, and this tensor has shape "
                             f"{tuple(value.data.shape)}", hint="format one element, or its .item()")
        else:
            return to_text(value)
    else:
        if spec:
            raise GTypeError(f"unsupported format string passed to {type_name(value)}: '{spec}'")
        return to_text(value)
    try:
        return format(plain, spec)
    except (ValueError, TypeError) as err:
        raise GValueError(f"format spec '{spec}': {err}") from None
