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

from ..autograd.tensor import Node, Tensor, _new, set_repr
from ..errors import GTypeError, LimitError
from ..render.values import number_text, to_text


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


set_repr(to_text)    # every Tensor's repr(), in f-strings and messages too: PyTorch's printing


class Namespace:
    """A module-like table of names (`torch`, `torch.autograd`). `members` is a dict, or a
    function making it on first use (a module a script rarely imports need not load at start)."""

    __slots__ = ("name", "_members")

    def __init__(self, name, members):
        self.name = name
        self._members = members

    @property
    def members(self) -> dict:
        if not isinstance(self._members, dict):
            self._members = self._members()
        return self._members

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


# A local slot of a frame that nothing has bound yet (and a parameter without a default).
UNBOUND = object()


class UserFunction:
    """A `def`: compiled body, parameter slots, defaults evaluated when `def` ran."""

    __slots__ = ("name", "params", "defaults", "nslots", "body", "session", "span", "parent")

    def __init__(self, name, params, defaults, nslots, body, session, span, parent=None):
        self.parent = parent     # the frame of the enclosing function (closures), None at top level
        self.name = name
        self.params = params
        self.defaults = defaults
        self.nslots = nslots
        self.body = body
        self.session = session
        self.span = span

    def __repr__(self):
        return f"<function {self.name}>"

    def __call__(self, *args, **kwargs):
        return self.invoke(args, kwargs)

    def invoke(self, args, kwargs):
        """Run the body. Called without `*args` from G call sites: in CPython 3.11 a plain
        Python-to-Python call does not grow the C stack, so deep G recursion cannot overflow it
        (the --max-depth limit is the one that is hit)."""
        params = self.params
        n = len(params)
        if len(args) > n:
            raise GTypeError(f"{self.name}() takes {n} argument{'s' if n != 1 else ''} but "
                             f"{len(args)} were given")
        frame = [None] + [UNBOUND] * (self.nslots - 1) + [self.parent]   # frame[-1]: the parent
        for i, a in enumerate(args):
            frame[i + 1] = a
        for k, v in kwargs.items():
            if k not in params:
                raise GTypeError(f"{self.name}() got an unexpected keyword argument '{k}'")
            i = params.index(k)
            if frame[i + 1] is not UNBOUND:
                raise GTypeError(f"{self.name}() got two values for argument '{k}'")
            frame[i + 1] = v
        for i in range(n):
            if frame[i + 1] is UNBOUND:
                d = self.defaults[i]
                if d is UNBOUND:
                    raise GTypeError(f"{self.name}() missing argument '{params[i]}'")
                frame[i + 1] = d
        s = self.session
        s.depth += 1
        try:
            if s.depth > s.max_depth:
                raise LimitError(f"recursion deeper than {s.max_depth} calls; raise the limit with "
                                 f"--max-depth N")
            self.body(frame)
        finally:
            s.depth -= 1
        return frame[0]


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
