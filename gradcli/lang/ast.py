"""The G syntax tree: frozen nodes, each with the span of its source text.

The parser (`parse/builder.py`) builds these as it reduces; the compiler (`compiler/`) turns them
into closures once. Each node type is made by `node_type` from its field names: a tuple (span first,
then the fields, in order), so a node cannot change once built and costs about as much to make as a
class with `__slots__`; `replace()` makes a changed copy. Nodes are positional (`Num(span, 2.0,
True)`), compare equal by type and fields, hash by identity, and print without their span. No
dataclasses: this module is on every cold start's import path, and they cost ~15 ms here.
"""
from __future__ import annotations

from operator import itemgetter


class Node(tuple):
    """Base of every node: `span` is where it stands in the source; `_fields` names the rest."""

    __slots__ = ()
    _fields: tuple = ()
    span = property(itemgetter(0), doc="where the node stands in the source")

    def __eq__(self, other):
        return type(self) is type(other) and tuple.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = object.__hash__

    def __repr__(self):
        inner = ", ".join(f"{f}={v!r}" for f, v in zip(self._fields, self[1:]))
        return f"{type(self).__name__}({inner})"

    def replace(self, **changes):
        """A copy with some fields (or the span) changed."""
        values = dict(zip(("span",) + self._fields, self))
        values.update(changes)
        return type(self)(*values.values())

    def with_span(self, span):
        """A copy at another span (`(a + b)`: the parentheses are part of the operand)."""
        return tuple.__new__(type(self), (span,) + self[1:])


# One constructor per number of fields, each with an exact signature (a wrong number of fields
# is a TypeError), shared by the node types: no code is generated at import time.
_tuple = tuple.__new__


def _new0(cls, span):
    return _tuple(cls, (span,))


def _new1(cls, span, a):
    return _tuple(cls, (span, a))


def _new2(cls, span, a, b):
    return _tuple(cls, (span, a, b))


def _new3(cls, span, a, b, c):
    return _tuple(cls, (span, a, b, c))


_NEW = (_new0, _new1, _new2, _new3)


def node_type(name: str, fields: str = "", doc: str = "") -> type:
    """A node type with these fields (space-separated) after the span."""
    names = tuple(fields.split())
    body = {"__slots__": (), "_fields": names, "__new__": _NEW[len(names)],
            "__doc__": doc or f"{name}({', '.join(('span',) + names)})"}
    for i, f in enumerate(names, 1):
        body[f] = property(itemgetter(i))
    return type(name, (Node,), body)


# ----- expressions -----

Num = node_type("Num", "value is_int",
            "value: always a float (`2` and `2.0` are the same tensor); is_int: whether the literal "
            "was written as an integer (`2`, not `2.0` or `2e0`): it prints as one")
Str = node_type("Str", "value", "value: escapes already decoded")
FString = node_type("FString", "values",
                "values: str (text, escapes decoded) and FormattedValue, in order: f\"loss {x:.4f}\"")
FormattedValue = node_type(
    "FormattedValue", "value conversion format_spec",
    "one `{value!conversion:format_spec}` of an f-string; conversion: None, 'r', 's' or 'a'; "
    "format_spec: None or an FString (it may hold fields of its own: `{x:{width}}`)")
Const = node_type("Const", "value", "value: True, False or None")
Name = node_type("Name", "id")
ListExpr = node_type("ListExpr", "elts", "elts: of expressions")
TupleExpr = node_type("TupleExpr", "elts",
                  "elts: `a, b` on the right of `=` or `return`; `(a, b)`; `t[i, j]` indices use Subscript")
UnaryOp = node_type("UnaryOp", "op operand", "op: '-', '+', 'not'")
BinOp = node_type("BinOp", "op left right", "op: '+', '-', '*', '/', '@', '%', '**' ('^' is parsed as '**')")
BoolOp = node_type("BoolOp", "op left right", "op: 'and' or 'or'")
Compare = node_type("Compare", "left ops comparators",
                "ops: of '<', '<=', '>', '>=', '==', '!='; comparators: same length as ops: "
                "`0 < x < 1` -> ops ('<', '<'), comparators (x, 1)")
IfExp = node_type("IfExp", "test body orelse")
Keyword = node_type("Keyword", "name value")
Call = node_type("Call", "func args keywords", "args: positional expressions; keywords: of Keyword")
Attribute = node_type("Attribute", "value attr")
Slice = node_type("Slice", "lower upper step")
Subscript = node_type("Subscript", "value index",
                  "index: one item per comma-separated part: expressions or Slice")

# ----- statements -----

Assign = node_type("Assign", "target value")
AugAssign = node_type("AugAssign", "target op value", "op: '+', '-', '*', '/'")
IndexAssign = node_type("IndexAssign", "target index value",
                    "target: `name[index] = value`; index: as Subscript.index")
AttrAssign = node_type("AttrAssign", "target attr value", "target: an expression (`x` in `x.grad = None`)")
ExprStmt = node_type("ExprStmt", "value")
If = node_type("If", "test body orelse",
           "body: of statements; orelse: of statements; `elif` is a nested If in orelse")
While = node_type("While", "test body")
For = node_type("For", "target iter body")
Break = node_type("Break")
Continue = node_type("Continue")
Pass = node_type("Pass")
Param = node_type("Param", "name default", "default: an expression, evaluated once when `def` runs")
FunctionDef = node_type("FunctionDef", "name params body", "params: of Param")
Return = node_type("Return", "value")
With = node_type("With", "context body", "context: the expression after `with` (`no_grad()`)")
Import = node_type("Import", "module asname", "module: dotted: 'torch', 'torch.autograd'")
ImportFrom = node_type("ImportFrom", "module names",
                   "module: dotted: 'torch.autograd', '__future__'; names: of (name, asname or None)")
Program = node_type("Program", "body", "body: of statements")
