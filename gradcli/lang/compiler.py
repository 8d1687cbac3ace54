"""AST -> Python closures, once per program (or REPL entry). Nothing walks the tree at run time.

An expression compiles to `ev(f) -> value` and a statement to `ex(f) -> None | BREAK | CONTINUE |
RETURN`, where `f` is the frame of the running user function (a list of local slots; slot 0
holds the return value) or None at top level. Names are resolved here: a function's locals are
slots, everything else is looked up in the session's globals, then the built-ins.

Errors from the engine come without a place; the closure of the expression that failed attaches
its span (`err.at(span)`), and each call site on the way out adds itself to the error's trace.
"""
from __future__ import annotations

import operator

from .. import limits
from ..autograd import functions as fn
from ..autograd.tensor import Node, Tensor, as_tensor, const, mode
from ..errors import GNameError, GradcliError, GSyntaxError, GTypeError, GValueError, LimitError, ShapeError
from . import ast as A
from .builtins import (GRAD_FN_METHODS, TENSOR_METHODS, TENSOR_PROPS,
                       _plain_kwargs, no_attribute)
from .values import BuiltinFunction, Namespace, Number, number, number_binop, type_name

BREAK, CONTINUE, RETURN = "break", "continue", "return"
UNBOUND = object()
_Tensor, _Number = Tensor, Number

_BINOPS = {"+": fn.add, "-": fn.sub, "*": fn.mul, "/": fn.div, "**": fn.pow, "%": fn.mod, "@": fn.matmul}
_CMPS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
         "==": operator.eq, "!=": operator.ne}
_ARITH_TYPES = (Tensor, bool, list)


# ----- run-time helpers shared by the closures -----

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
        return number_binop(op, l, r, _BINOPS[op](l, r).data)
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
    return _BINOPS[op](to_tensor_operand(l, op), to_tensor_operand(r, op))


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
            return BuiltinFunction(name, lambda *a, **k: m(v, *a, **_plain_kwargs(k)))
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
            kwargs = _plain_kwargs(kwargs)
        try:
            return f(*args, **kwargs)
        except TypeError as exc:       # wrong number or names of arguments
            raise GTypeError(_arg_message(func.name, exc)) from None
        except (ValueError, IndexError, ZeroDivisionError, OverflowError) as exc:
            raise GValueError(f"{func.name}: {exc}") from None
    if isinstance(func, UserFunction):
        return func.invoke(args, kwargs)   # no *args: keeps G recursion off the C stack
    raise GTypeError(f"{type_name(func)} is not callable")


def _arg_message(name, exc):
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


def _assigned_names(body, out):
    """Names a function body binds (its locals), not looking into nested defs."""
    stack = list(body)
    while stack:
        st = stack.pop()
        if isinstance(st, (A.Assign, A.AugAssign, A.IndexAssign)):
            out.setdefault(st.target, len(out) + 1)
        elif isinstance(st, A.For):
            out.setdefault(st.target, len(out) + 1)
            stack.extend(st.body)
        elif isinstance(st, A.FunctionDef):
            out.setdefault(st.name, len(out) + 1)
        elif isinstance(st, A.Import):
            out.setdefault(st.asname or st.module.split(".")[0], len(out) + 1)
        elif isinstance(st, A.ImportFrom):
            for name, asname in st.names:
                out.setdefault(asname or name, len(out) + 1)
        elif isinstance(st, (A.If,)):
            stack.extend(st.body)
            stack.extend(st.orelse)
        elif isinstance(st, (A.While, A.With)):
            stack.extend(st.body)
    return out


from .compile_expr import ExprCompiler  # noqa: E402
from .compile_stmt import StmtCompiler  # noqa: E402


class _Lines:
    """Source lines indexed by line number - 1, for a text that starts at line `offset + 1`."""

    __slots__ = ("lines", "offset")

    def __init__(self, lines, offset):
        self.lines, self.offset = lines, offset

    def __getitem__(self, i):
        if i < self.offset:
            raise IndexError(i)
        return self.lines[i - self.offset]


class Compiler(StmtCompiler, ExprCompiler):
    """Compiles one program (or REPL entry) for a session; `slots` is None at top level."""

    def __init__(self, session, source_lines, slots=None, enclosing=()):
        self.session = session
        self.lines = source_lines
        self.slots = slots
        self.enclosing = enclosing      # slots of the enclosing functions, innermost first

    def nested(self, slots):
        enclosing = (self.slots,) + self.enclosing if self.slots is not None else ()
        return Compiler(self.session, self.lines, slots, enclosing)


def compile_program(program: A.Program, session, source: str, first_line: int = 1):
    """Compile a parsed program into one closure `run()`; its text starts at line `first_line`."""
    c = Compiler(session, _Lines(source.split("\n"), first_line - 1))
    body = c.block(program.body)
    return lambda: body(None)


__all__ = ["compile_program", "Compiler", "UserFunction", "truth", "binop", "compare", "get_attr",
           "call_value", "iterate", "bind_value", "BREAK", "CONTINUE", "RETURN", "UNBOUND",
           "GSyntaxError", "GNameError", "mode", "Tensor"]
