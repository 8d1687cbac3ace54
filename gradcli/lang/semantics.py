"""What G values do: truth, operators, comparisons, attributes, calls, iteration, indexing.

The compiled closures (`compiler/`) call these on their slow paths (the hot paths — a tensor op on
two tensors, a built-in call — are specialised at compile time), and so do the built-ins and the
REPL. LANGUAGE.md §4-§6 say what each does.
"""
from __future__ import annotations

import operator

from .. import limits
from ..autograd import functions as fn
from ..autograd.tensor import Node, Tensor, as_int, as_tensor, const, fmt_int, mode
from ..errors import GIndexError, GradcliError, GTypeError, GValueError, ShapeError
from .builtin_functions import plain_kwargs
from .builtins import GRAD_FN_METHODS, TENSOR_METHODS, TENSOR_PROPS, no_attribute
from .values import BuiltinFunction, Namespace, Number, UserFunction, number, number_binop, type_name

__all__ = ["BINOPS", "truth", "to_tensor_operand", "list_to_tensor", "bind_value", "binop", "compare",
           "get_attr", "call_value", "arg_message", "iterate", "subscript"]

_Tensor, _Number = Tensor, Number

BINOPS = {"+": fn.add, "-": fn.sub, "*": fn.mul, "/": fn.div, "**": fn.pow, "%": fn.mod, "@": fn.matmul}
_CMPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
         "==": operator.eq, "!=": operator.ne}
_ARITH_TYPES = (Tensor, bool, list)


def truth(v):
    """The truth value of a condition: a tensor must have one element (LANGUAGE.md §5)."""
    if v is True or v is False:
        return v
    if isinstance(v, Tensor):
        if v.data.size != 1:
            raise GValueError(f"the truth value of a tensor with {v.data.size} elements is ambiguous; "
                              "use any() or all()")
        if mode.formula is not None:
            mode.formula.taken(v, bool(v.data))
        return bool(v.data)
    if v is None:
        return False
    if isinstance(v, (str, list, tuple, range)):
        return len(v) > 0
    return True


def to_tensor_operand(v, op):
    if isinstance(v, Tensor):
        return v
    if isinstance(v, list):
        return list_to_tensor(v)
    if isinstance(v, bool):
        return const(as_tensor(float(v)).data)
    raise GTypeError(f"unsupported operand for {op}: {type_name(v)}")


def list_to_tensor(v):
    try:
        return as_tensor(v)
    except ShapeError as e:
        raise ShapeError(f"this list cannot become a tensor: {e.message}") from None
    except GValueError as e:
        raise ShapeError(f"this list cannot become a tensor: {e.message}") from None


def bind_value(v):
    """A list literal bound to a name becomes a tensor when its elements stack (§4)."""
    try:
        return as_tensor(v)
    except GradcliError:
        return v


def binop(op, l, r):
    """`l op r` for any two values (the slow path: the closures try tensors first)."""
    tl, tr = type(l), type(r)
    if tl is _Number and tr is _Number:
        return number_binop(op, l, r, BINOPS[op](l, r).data)
    if op == "-" and tl is _Number and isinstance(r, Tensor):
        return r.__rsub__(l)              # `1 - x`: PyTorch's RsubBackward1
    if op == "/" and tl is _Number and type(r) is Tensor and r.data.dtype != bool:
        return fn.rdiv_number(l, r)       # `1 / x`: PyTorch's reciprocal(x) * 1 (MulBackward0)
    if tl is str or tr is str:
        if op == "+" and tl is str and tr is str:
            limits.reserve(len(l) + len(r), "string")
            return l + r
        raise GTypeError(f"'{op}' does not apply to {type_name(l)} and {type_name(r)}"
                         + (" (only + joins two strings)" if op == "+" else ""))
    if not isinstance(l, _ARITH_TYPES) or not isinstance(r, _ARITH_TYPES):
        bad = l if not isinstance(l, _ARITH_TYPES) else r
        raise GTypeError(f"'{op}' does not apply to {type_name(bad)}")
    return BINOPS[op](to_tensor_operand(l, op), to_tensor_operand(r, op))


def compare(op, l, r):
    """A comparison: a bool for scalars, a boolean tensor for tensors, Python equality else."""
    if isinstance(l, Tensor) and isinstance(r, Tensor):
        res = _CMPS[op](l, r)
        if l.data.ndim == 0 and r.data.ndim == 0:
            if mode.formula is not None:
                if mode.formula.undecided(res):    # on a free symbol: a truth value only if taken
                    return res
                mode.formula.taken(res, bool(res.data))
            return bool(res.data)
        return res
    if isinstance(l, (Tensor, list, bool)) and isinstance(r, (Tensor, list, bool)) and \
            not (isinstance(l, bool) and isinstance(r, bool)):
        return compare(op, to_tensor_operand(l, op), to_tensor_operand(r, op))
    if type(l) is str or type(r) is str:
        # Strings are for print and options: only + (joining two) applies to them (§2).
        raise GTypeError(f"'{op}' does not apply to {type_name(l)} and {type_name(r)}: strings do "
                         "not compare (only + applies to strings: it joins two)")
    if op == "==":
        return _same(l, r)
    if op == "!=":
        return not _same(l, r)
    if isinstance(l, bool) and isinstance(r, bool):
        return _CMPS[op](l, r)
    raise GTypeError(f"'{op}' cannot compare {type_name(l)} and {type_name(r)}")


def _same(a, b):
    if type(a) is not type(b) and not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        return False
    if isinstance(a, (tuple, list)):
        return len(a) == len(b) and all(bool(compare("==", x, y)) for x, y in zip(a, b))
    return a == b


def get_attr(v, name):
    if isinstance(v, Tensor):
        prop = TENSOR_PROPS.get(name)
        if prop is not None:
            return prop(v)
        m = TENSOR_METHODS.get(name)
        if m is not None:
            return BuiltinFunction(name, lambda *a, **k: m(v, *a, **plain_kwargs(k)))
    elif isinstance(v, Namespace):
        if name in v.members:
            return v.members[name]
    elif isinstance(v, Node):
        m = GRAD_FN_METHODS.get(name)
        if m is not None:
            return BuiltinFunction(name, lambda: m(v))
    raise no_attribute(v, name)


def call_value(func, args, kwargs):
    """Call a G function value (a built-in or a `def`)."""
    if type(func) is BuiltinFunction:
        f = func.fn
        if kwargs:
            kwargs = plain_kwargs(kwargs)
        try:
            return f(*args, **kwargs)
        except TypeError as exc:       # wrong number or names of arguments
            raise GTypeError(arg_message(func.name, exc)) from None
        except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
            raise GValueError(f"{func.name}: {exc}") from None
    if isinstance(func, UserFunction):
        return func.invoke(args, kwargs)   # no *args: keeps G recursion off the C stack
    raise GTypeError(f"{type_name(func)} is not callable")


def arg_message(name, exc):
    msg = str(exc)
    head, sep, rest = msg.partition("() ")
    if sep and "(" not in head and " " not in head:
        return f"{name}() {rest}"
    return f"{name}: {msg}"


def iterate(v):
    if type(v) is range:
        return (number(i, True) for i in v)
    if isinstance(v, Tensor):
        if v.data.ndim == 0:
            raise GTypeError("cannot iterate over a 0-d tensor")
        return (fn.getitem(v, i) for i in range(v.data.shape[0]))
    if isinstance(v, (list, tuple)):
        return iter(list(v))
    if isinstance(v, str):
        return iter(v)
    raise GTypeError(f"cannot iterate over {type_name(v)}")


def subscript(v, i):
    """`v[i]`: a tensor, list, tuple or string indexed by a value or a slice."""
    if isinstance(v, Tensor):
        if isinstance(i, list):
            i = list_to_tensor(i)
        return fn.getitem(v, i)
    if isinstance(v, (list, tuple, str)):
        if isinstance(i, slice):
            sl = slice(*(None if x is None else as_int(x, "a slice bound")
                         for x in (i.start, i.stop, i.step)))
            if sl.step == 0:
                raise GValueError("a slice step cannot be zero")
            return v[sl]
        k = as_int(i, "an index")
        if not -len(v) <= k < len(v):
            raise GIndexError(f"index {fmt_int(k)} is out of range for {type_name(v)} of length {len(v)}")
        return v[k]
    raise GTypeError(f"{type_name(v)} cannot be indexed")
