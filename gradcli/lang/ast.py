"""The G syntax tree: one small class per construct, each with the span of its source text.

The parser (`parser.py`) builds these directly as it reduces; the compiler (`compiler.py`)
turns them into closures once. Expressions and statements are separate families. Plain classes
with `__slots__` (not dataclasses): importing this module is on every cold start, and dataclass
creation cost ~15 ms here. Nodes compare equal by type and fields, like dataclasses.
"""
from __future__ import annotations

from ..errors import Span


class Node:
    """Base of every node: `span` is where it stands in the source."""

    __slots__ = ("span",)
    _fields: tuple = ()

    def __init__(self, span: Span):
        self.span = span

    def __eq__(self, other):
        return type(self) is type(other) and self.span == other.span and all(
            getattr(self, f) == getattr(other, f) for f in self._fields)

    __hash__ = object.__hash__

    def __repr__(self):
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in self._fields)
        return f"{type(self).__name__}({inner})"


# ----- expressions -----


class Num(Node):
    # value: always a float: `2` and `2.0` are the same tensor
    __slots__ = ('value',)
    _fields = __slots__

    def __init__(self, span, value):
        self.span = span
        self.value = value


class Str(Node):
    # value: escapes already decoded
    __slots__ = ('value',)
    _fields = __slots__

    def __init__(self, span, value):
        self.span = span
        self.value = value


class FString(Node):
    # values: str (text, escapes decoded) and FormattedValue, in order: f"loss {x:.4f}"
    __slots__ = ('values',)
    _fields = __slots__

    def __init__(self, span, values):
        self.span = span
        self.values = values


class FormattedValue(Node):
    # one `{value!conversion:format_spec}` of an f-string; conversion: None, 'r', 's' or 'a';
    # format_spec: None or an FString (it may hold fields of its own: `{x:{width}}`)
    __slots__ = ('value', 'conversion', 'format_spec')
    _fields = __slots__

    def __init__(self, span, value, conversion, format_spec):
        self.span = span
        self.value = value
        self.conversion = conversion
        self.format_spec = format_spec


class Const(Node):
    # value: True, False or None
    __slots__ = ('value',)
    _fields = __slots__

    def __init__(self, span, value):
        self.span = span
        self.value = value


class Name(Node):
    __slots__ = ('id',)
    _fields = __slots__

    def __init__(self, span, id):
        self.span = span
        self.id = id


class ListExpr(Node):
    # elts: of expressions
    __slots__ = ('elts',)
    _fields = __slots__

    def __init__(self, span, elts):
        self.span = span
        self.elts = elts


class TupleExpr(Node):
    # elts: `a, b` on the right of `=` or `return`; `(a, b)`; `t[i, j]` indices use Index
    __slots__ = ('elts',)
    _fields = __slots__

    def __init__(self, span, elts):
        self.span = span
        self.elts = elts


class UnaryOp(Node):
    # op: '-', '+', 'not'
    __slots__ = ('op', 'operand')
    _fields = __slots__

    def __init__(self, span, op, operand):
        self.span = span
        self.op = op
        self.operand = operand


class BinOp(Node):
    # op: '+', '-', '*', '/', '@', '%', '**' ('^' is parsed as '**')
    __slots__ = ('op', 'left', 'right')
    _fields = __slots__

    def __init__(self, span, op, left, right):
        self.span = span
        self.op = op
        self.left = left
        self.right = right


class BoolOp(Node):
    # op: 'and' or 'or'
    __slots__ = ('op', 'left', 'right')
    _fields = __slots__

    def __init__(self, span, op, left, right):
        self.span = span
        self.op = op
        self.left = left
        self.right = right


class Compare(Node):
    # ops: of '<', '<=', '>', '>=', '==', '!='
    # comparators: same length as ops: `0 < x < 1` -> ops ('<','<'), comparators (x, 1)
    __slots__ = ('left', 'ops', 'comparators')
    _fields = __slots__

    def __init__(self, span, left, ops, comparators):
        self.span = span
        self.left = left
        self.ops = ops
        self.comparators = comparators


class IfExp(Node):
    __slots__ = ('test', 'body', 'orelse')
    _fields = __slots__

    def __init__(self, span, test, body, orelse):
        self.span = span
        self.test = test
        self.body = body
        self.orelse = orelse


class Keyword(Node):
    __slots__ = ('name', 'value')
    _fields = __slots__

    def __init__(self, span, name, value):
        self.span = span
        self.name = name
        self.value = value


class Call(Node):
    # args: positional expressions
    # keywords: of Keyword
    __slots__ = ('func', 'args', 'keywords')
    _fields = __slots__

    def __init__(self, span, func, args, keywords):
        self.span = span
        self.func = func
        self.args = args
        self.keywords = keywords


class Attribute(Node):
    __slots__ = ('value', 'attr')
    _fields = __slots__

    def __init__(self, span, value, attr):
        self.span = span
        self.value = value
        self.attr = attr


class Slice(Node):
    __slots__ = ('lower', 'upper', 'step')
    _fields = __slots__

    def __init__(self, span, lower, upper, step):
        self.span = span
        self.lower = lower
        self.upper = upper
        self.step = step


class Subscript(Node):
    # index: one item per comma-separated part: expressions or Slice
    __slots__ = ('value', 'index')
    _fields = __slots__

    def __init__(self, span, value, index):
        self.span = span
        self.value = value
        self.index = index

# ----- statements -----


class Assign(Node):
    __slots__ = ('target', 'value')
    _fields = __slots__

    def __init__(self, span, target, value):
        self.span = span
        self.target = target
        self.value = value


class AugAssign(Node):
    # op: '+', '-', '*', '/'
    __slots__ = ('target', 'op', 'value')
    _fields = __slots__

    def __init__(self, span, target, op, value):
        self.span = span
        self.target = target
        self.op = op
        self.value = value


class IndexAssign(Node):
    # target: `name[index] = value`
    # index: as Subscript.index
    __slots__ = ('target', 'index', 'value')
    _fields = __slots__

    def __init__(self, span, target, index, value):
        self.span = span
        self.target = target
        self.index = index
        self.value = value


class AttrAssign(Node):
    # target: an expression (`x` in `x.grad = None`)
    __slots__ = ('target', 'attr', 'value')
    _fields = __slots__

    def __init__(self, span, target, attr, value):
        self.span = span
        self.target = target
        self.attr = attr
        self.value = value


class ExprStmt(Node):
    __slots__ = ('value',)
    _fields = __slots__

    def __init__(self, span, value):
        self.span = span
        self.value = value


class If(Node):
    # body: of statements
    # orelse: of statements; `elif` is a nested If in orelse
    __slots__ = ('test', 'body', 'orelse')
    _fields = __slots__

    def __init__(self, span, test, body, orelse):
        self.span = span
        self.test = test
        self.body = body
        self.orelse = orelse


class While(Node):
    __slots__ = ('test', 'body')
    _fields = __slots__

    def __init__(self, span, test, body):
        self.span = span
        self.test = test
        self.body = body


class For(Node):
    __slots__ = ('target', 'iter', 'body')
    _fields = __slots__

    def __init__(self, span, target, iter, body):
        self.span = span
        self.target = target
        self.iter = iter
        self.body = body


class Break(Node):
    __slots__ = ()
    _fields = __slots__


class Continue(Node):
    __slots__ = ()
    _fields = __slots__


class Pass(Node):
    __slots__ = ()
    _fields = __slots__


class Param(Node):
    # default: an expression, evaluated once when `def` runs
    __slots__ = ('name', 'default')
    _fields = __slots__

    def __init__(self, span, name, default):
        self.span = span
        self.name = name
        self.default = default


class FunctionDef(Node):
    # params: of Param
    __slots__ = ('name', 'params', 'body')
    _fields = __slots__

    def __init__(self, span, name, params, body):
        self.span = span
        self.name = name
        self.params = params
        self.body = body


class Return(Node):
    __slots__ = ('value',)
    _fields = __slots__

    def __init__(self, span, value):
        self.span = span
        self.value = value


class With(Node):
    # context: the expression after `with` (`no_grad()`)
    __slots__ = ('context', 'body')
    _fields = __slots__

    def __init__(self, span, context, body):
        self.span = span
        self.context = context
        self.body = body


class Import(Node):
    # module: dotted: 'torch', 'torch.autograd'
    __slots__ = ('module', 'asname')
    _fields = __slots__

    def __init__(self, span, module, asname):
        self.span = span
        self.module = module
        self.asname = asname


class ImportFrom(Node):
    # module: dotted: 'torch.autograd', '__future__'
    # names: of (name, asname or None)
    __slots__ = ('module', 'names')
    _fields = __slots__

    def __init__(self, span, module, names):
        self.span = span
        self.module = module
        self.names = names


class Program(Node):
    # body: of statements
    __slots__ = ('body',)
    _fields = __slots__

    def __init__(self, span, body):
        self.span = span
        self.body = body
