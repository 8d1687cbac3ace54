"""The G syntax tree: frozen dataclasses, each with the span of the source it came from.

The parser (`parser.py`) builds these from Lark's tree; the compiler (`compiler.py`) turns them
into closures once. Expressions and statements are separate families.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import Span


@dataclass(frozen=True, slots=True)
class Node:
    span: Span


# ----- expressions -----

@dataclass(frozen=True, slots=True)
class Num(Node):
    value: float            # always a float: `2` and `2.0` are the same tensor


@dataclass(frozen=True, slots=True)
class Str(Node):
    value: str              # escapes already decoded


@dataclass(frozen=True, slots=True)
class Const(Node):
    value: object           # True, False or None


@dataclass(frozen=True, slots=True)
class Name(Node):
    id: str


@dataclass(frozen=True, slots=True)
class ListExpr(Node):
    elts: tuple             # of expressions


@dataclass(frozen=True, slots=True)
class TupleExpr(Node):
    elts: tuple             # `a, b` on the right of `=` or `return`; `(a, b)`; `t[i, j]` indices use Index


@dataclass(frozen=True, slots=True)
class UnaryOp(Node):
    op: str                 # '-', '+', 'not'
    operand: object


@dataclass(frozen=True, slots=True)
class BinOp(Node):
    op: str                 # '+', '-', '*', '/', '@', '%', '**' ('^' is parsed as '**')
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class BoolOp(Node):
    op: str                 # 'and' or 'or'
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Compare(Node):
    left: object
    ops: tuple              # of '<', '<=', '>', '>=', '==', '!='
    comparators: tuple      # same length as ops: `0 < x < 1` -> ops ('<','<'), comparators (x, 1)


@dataclass(frozen=True, slots=True)
class IfExp(Node):
    test: object
    body: object
    orelse: object


@dataclass(frozen=True, slots=True)
class Keyword(Node):
    name: str
    value: object


@dataclass(frozen=True, slots=True)
class Call(Node):
    func: object
    args: tuple             # positional expressions
    keywords: tuple         # of Keyword


@dataclass(frozen=True, slots=True)
class Attribute(Node):
    value: object
    attr: str


@dataclass(frozen=True, slots=True)
class Slice(Node):
    lower: object | None
    upper: object | None
    step: object | None


@dataclass(frozen=True, slots=True)
class Subscript(Node):
    value: object
    index: tuple            # one item per comma-separated part: expressions or Slice


# ----- statements -----

@dataclass(frozen=True, slots=True)
class Assign(Node):
    target: str
    value: object


@dataclass(frozen=True, slots=True)
class AugAssign(Node):
    target: str
    op: str                 # '+', '-', '*', '/'
    value: object


@dataclass(frozen=True, slots=True)
class IndexAssign(Node):
    target: str             # `name[index] = value`
    index: tuple            # as Subscript.index
    value: object


@dataclass(frozen=True, slots=True)
class AttrAssign(Node):
    target: object          # an expression (`x` in `x.grad = None`)
    attr: str
    value: object


@dataclass(frozen=True, slots=True)
class ExprStmt(Node):
    value: object


@dataclass(frozen=True, slots=True)
class If(Node):
    test: object
    body: tuple             # of statements
    orelse: tuple           # of statements; `elif` is a nested If in orelse


@dataclass(frozen=True, slots=True)
class While(Node):
    test: object
    body: tuple


@dataclass(frozen=True, slots=True)
class For(Node):
    target: str
    iter: object
    body: tuple


@dataclass(frozen=True, slots=True)
class Break(Node):
    pass


@dataclass(frozen=True, slots=True)
class Continue(Node):
    pass


@dataclass(frozen=True, slots=True)
class Pass(Node):
    pass


@dataclass(frozen=True, slots=True)
class Param(Node):
    name: str
    default: object | None  # an expression, evaluated once when `def` runs


@dataclass(frozen=True, slots=True)
class FunctionDef(Node):
    name: str
    params: tuple           # of Param
    body: tuple


@dataclass(frozen=True, slots=True)
class Return(Node):
    value: object | None


@dataclass(frozen=True, slots=True)
class With(Node):
    context: object         # the expression after `with` (`no_grad()`)
    body: tuple


@dataclass(frozen=True, slots=True)
class Import(Node):
    module: str             # dotted: 'torch', 'torch.autograd'
    asname: str | None


@dataclass(frozen=True, slots=True)
class ImportFrom(Node):
    module: str             # dotted: 'torch.autograd', '__future__'
    names: tuple            # of (name, asname or None)


@dataclass(frozen=True, slots=True)
class Program(Node):
    body: tuple             # of statements
