"""The builder: makes `ast.py` nodes from the children of each reduction, one method per rule or
alias of grammar/g.lark (the LALR driver calls them; tokens arrive as `Token`s).

Operator expressions arrive flat (an `opseq` of operands and operator tokens: g.lark says why)
and are folded here by `PRECEDENCE`, the one table of binding powers.
"""
from __future__ import annotations

from ...errors import GSyntaxError, Span
from .. import ast as A
from .scanner import Token, token_end

__all__ = ["Builder", "PRECEDENCE"]

# LANGUAGE.md §4, lowest first: the levels an `opseq` is folded by, as (token kind, spellings).
# The ternary `a if c else b` (lowest of all) and the postfix forms (highest) are rules of the
# grammar. Equal levels group to the left, except `**` (right) and comparisons (one chained
# Compare); `not` and unary `-`/`+` are prefixes. tests/test_parser.py checks this table against
# the precedence table of docs/language.md.
PRECEDENCE = (
    ("OR", ("or",)),
    ("AND", ("and",)),
    ("NOT", ("not",)),
    ("COMP", ("<", "<=", ">", ">=", "==", "!=")),
    ("ADD", ("+", "-")),
    ("MUL", ("*", "/", "@", "%")),
    ("UADD", ("-", "+")),
    ("POW", ("**", "^")),
)
_PREC = {kind: level for level, (kind, _) in enumerate(PRECEDENCE, 1)}


class _SliceParts:
    __slots__ = ("parts",)           # [lower, upper, step]; the span is made by `subscript`

    def __init__(self, parts):
        self.parts = parts


class _Elif:
    __slots__ = ("token", "test", "body")

    def __init__(self, token, test, body):
        self.token, self.test, self.body = token, test, body


_CONSTS = {"TRUE": True, "FALSE": False, "NONE": None}


class Builder:
    """Makes ast.py nodes from the children of each reduction, for one text.

    `end` is where the text ends (the program's span); `parse_field(text, start, end, file,
    max_nesting)` parses the expression of an f-string field where it stands in the file.
    """

    def __init__(self, file: str, max_nesting: int, first: int, end: tuple, parse_field):
        self.file, self.max_nesting, self.first, self.end = file, max_nesting, first, end
        self.parse_field = parse_field

    def tspan(self, t, u=None) -> Span:       # token t (through token u)
        u = u or t
        return Span(self.file, t[2], t[3], u[2], u[3] + len(u[1]))

    def join(self, a: Span, b: Span) -> Span:
        return Span(self.file, a.line, a.column, b.end_line, b.end_column)

    def from_tok(self, t, b: Span) -> Span:
        return Span(self.file, t[2], t[3], b.end_line, b.end_column)

    def to_tok(self, a: Span, u) -> Span:
        return Span(self.file, a.line, a.column, u[2], u[3] + len(u[1]))

    def limit(self, span: Span):
        from .messages import nesting_limit     # here, for start-up time: messages are for errors
        return nesting_limit(self.max_nesting, span)

    # ----- atoms and postfix -----
    def name(self, c):
        t = c[0]
        return A.Name(Span(self.file, t[2], t[3], t[2], t[3] + len(t[1])), t[1])

    def number(self, c):
        text = c[0][1]
        try:
            value = float(text)
            # written as an integer: digits only (NUMBER's `\d`), and not so long it is inf
            is_int = text.isdecimal() and value.is_integer()
            return A.Num(self.tspan(c[0]), value, is_int)
        except ValueError:        # cannot happen for NUMBER's pattern; keep the promise anyway
            from .messages import clip      # here, for start-up time: messages are for errors
            raise GSyntaxError(f"invalid number {clip(c[0][1])}", self.tspan(c[0])) from None

    def string(self, c):
        """One string, or several written side by side ("a" "b" is "ab", as in Python)."""
        from .strings import literal_parts  # here, for start-up time: many scripts have no string
        parts = []
        for t in c:
            for p in literal_parts(t, self.file, self.fexpr):
                if type(p) is str and parts and type(parts[-1]) is str:
                    parts[-1] += p
                else:
                    parts.append(p)
        span = Span(self.file, c[0][2], c[0][3], *token_end(c[-1]))
        if all(type(p) is str for p in parts):
            return A.Str(span, parts[0] if parts else "")
        return A.FString(span, tuple(p for p in parts if p != ""))

    def fexpr(self, text, start, end):
        """The expression of an f-string field, parsed where it stands in the file."""
        return self.parse_field(text, start, end, self.file, self.max_nesting)

    def const(self, c):
        return A.Const(self.tspan(c[0]), _CONSTS[c[0][0]])

    def paren(self, c):
        # its span takes in the parentheses: `(a + b) * c` is underlined whole
        return c[1].with_span(self.tspan(c[0], c[-1]))

    def tuple_lit(self, c):
        return A.TupleExpr(self.tspan(c[0], c[-1]), tuple(c[1:-1]))

    def list_lit(self, c):
        return A.ListExpr(self.tspan(c[0], c[-1]), tuple(c[1:-1]))

    def call(self, c):
        args, keywords, names = [], [], set()
        for a in c[2:-1]:
            if type(a) is A.Keyword:
                if a.name in names:
                    raise GSyntaxError(f"keyword argument repeated: {a.name}", a.span)
                names.add(a.name)
                keywords.append(a)
            elif keywords:
                raise GSyntaxError("positional argument follows keyword argument", a.span)
            else:
                args.append(a)
        func = c[0]
        return A.Call(self.to_tok(func.span, c[-1]), func, tuple(args), tuple(keywords))

    def kwarg(self, c):
        return A.Keyword(self.from_tok(c[0], c[1].span), c[0][1], c[1])

    def slice(self, c):
        return _SliceParts(c)

    def subscript(self, c):
        index = []
        for part in c[2:-1]:
            if type(part) is _SliceParts:
                given = [p for p in part.parts if p is not None]
                span = (self.join(given[0].span, given[-1].span) if given
                        else self.tspan(c[1], c[-1]))     # `t[:]`: the brackets
                part = A.Slice(span, *part.parts)
            index.append(part)
        value = c[0]
        return A.Subscript(self.to_tok(value.span, c[-1]), value, tuple(index))

    def attribute(self, c):
        value = c[0]
        return A.Attribute(self.to_tok(value.span, c[1]), value, c[1][1])

    # ----- operators -----
    def opseq(self, c):
        """Fold a flat [operand | operator token] list by precedence (shunting-yard, iterative)."""
        vals, ops, prev = [], [], None
        for x in c:
            if type(x) is not Token:
                vals.append(x)
            else:
                t = x[0]
                if t == "NOT":
                    if prev is not None and prev[0] not in ("AND", "OR", "NOT"):
                        raise GSyntaxError(f"'not' cannot follow '{prev[1]}'", self.tspan(x),
                                           "put the 'not …' part in parentheses")
                elif t != "UADD":
                    p = _PREC[t]
                    while ops:
                        q = _PREC[ops[-1][0]]
                        if q > p or (q == p and t != "POW" and t != "COMP"):
                            self._fold(ops, vals)
                        else:
                            break
                ops.append(x)
            prev = x
        while ops:
            self._fold(ops, vals)
        return vals[0]

    def _fold(self, ops, vals):
        op = ops.pop()
        t = op[0]
        if t == "UADD" or t == "NOT":
            v = vals[-1]
            vals[-1] = A.UnaryOp(self.from_tok(op, v.span), "not" if t == "NOT" else op[1], v)
        elif t == "COMP":
            names = [op[1]]
            while ops and ops[-1][0] == "COMP":
                names.append(ops.pop()[1])
            names.reverse()
            comparators = vals[-len(names):]
            del vals[-len(names):]
            left = vals[-1]
            vals[-1] = A.Compare(self.join(left.span, comparators[-1].span), left, tuple(names),
                                 tuple(comparators))
        else:
            right = vals.pop()
            left = vals[-1]
            span = self.join(left.span, right.span)
            if t == "AND" or t == "OR":
                vals[-1] = A.BoolOp(span, op[1], left, right)
            else:
                vals[-1] = A.BinOp(span, "**" if t == "POW" else op[1], left, right)

    def ifexp(self, c):
        return A.IfExp(self.join(c[0].span, c[4].span), c[2], c[0], c[4])

    def tuple_expr(self, c):
        return A.TupleExpr(self.join(c[0].span, c[-1].span), tuple(c))

    # ----- simple statements -----
    def expr_stmt(self, c):
        return A.ExprStmt(c[0].span, c[0])

    def assign(self, c):
        if len(c) > 2:
            raise GSyntaxError("chained assignment is not supported: assign one name per statement",
                               c[1].span)
        target, value = c
        span = self.join(target.span, value.span)
        kind = type(target)
        if kind is A.Name:
            return A.Assign(span, target.id, value)
        if kind is A.Subscript and type(target.value) is A.Name:
            return A.IndexAssign(span, target.value.id, target.index, value)
        if kind is A.Attribute:
            return A.AttrAssign(span, target.value, target.attr, value)
        what, hint = _TARGETS.get(kind, ("an expression", None))
        raise GSyntaxError(f"cannot assign to {what}", target.span, hint)

    def augassign(self, c):
        target, op, value = c
        if type(target) is not A.Name:
            raise GSyntaxError(f"'{op[1]}' needs a plain name on its left", target.span,
                               f"write the operation out, as in t[i] = t[i] {op[1][0]} v")
        return A.AugAssign(self.join(target.span, value.span), target.id, op[1][0], value)

    def pass_stmt(self, c):
        return A.Pass(self.tspan(c[0]))

    def break_stmt(self, c):
        return A.Break(self.tspan(c[0]))

    def continue_stmt(self, c):
        return A.Continue(self.tspan(c[0]))

    def return_stmt(self, c):
        if len(c) == 1:
            return A.Return(self.tspan(c[0]), None)
        return A.Return(self.from_tok(c[0], c[1].span), c[1])

    def dotted_name(self, c):
        return ".".join(t[1] for t in c), c[-1]

    def import_as(self, c):
        return c[0][1], (c[1][1] if len(c) > 1 else None), c[-1]

    def import_stmt(self, c):
        module, last = c[1]
        if len(c) > 2:
            last = c[2]
        return A.Import(self.tspan(c[0], last), module, c[2][1] if len(c) > 2 else None)

    def from_stmt(self, c):
        names = tuple((n, a) for n, a, _ in c[2:])
        return A.ImportFrom(self.tspan(c[0], c[-1][2]), c[1][0], names)

    # ----- compound statements -----
    def suite(self, c):
        return list(c)                    # a list: `if_stmt` tells bodies from tokens by type

    def if_stmt(self, c):
        elifs = [x for x in c[3:] if type(x) is _Elif]
        if len(elifs) > self.max_nesting:
            raise self.limit(self.tspan(elifs[self.max_nesting].token))
        orelse = tuple(c[-1]) if len(c) > 3 and type(c[-1]) is list else ()
        for e in reversed(elifs):
            last = (orelse or e.body)[-1].span
            orelse = (A.If(self.from_tok(e.token, last), e.test, tuple(e.body), orelse),)
        return A.If(self.from_tok(c[0], (orelse or c[2])[-1].span), c[1], tuple(c[2]), orelse)

    def elif_clause(self, c):
        return _Elif(c[0], c[1], c[2])

    def while_stmt(self, c):
        return A.While(self.from_tok(c[0], c[-1][-1].span), c[1], tuple(c[2]))

    def for_stmt(self, c):
        return A.For(self.from_tok(c[0], c[-1][-1].span), c[1][1], c[2], tuple(c[3]))

    def with_stmt(self, c):
        return A.With(self.from_tok(c[0], c[-1][-1].span), c[1], tuple(c[2]))

    def param(self, c):
        if len(c) == 1:
            return A.Param(self.tspan(c[0]), c[0][1], None)
        return A.Param(self.from_tok(c[0], c[1].span), c[0][1], c[1])

    def funcdef(self, c):
        params, seen, defaults = c[2:-1], set(), False
        for p in params:
            if p.name in seen:
                raise GSyntaxError(f"duplicate parameter '{p.name}'", p.span)
            seen.add(p.name)
            if p.default is not None:
                defaults = True
            elif defaults:
                raise GSyntaxError("a parameter without a default follows one with a default",
                                   p.span)
        body = c[-1]
        return A.FunctionDef(self.from_tok(c[0], body[-1].span), c[1][1], tuple(params), tuple(body))

    def start(self, c):
        return A.Program(Span(self.file, self.first, 1, *self.end), tuple(c))



_TARGETS = {
    A.Call: ("a function call", "to compare, use '=='"),
    A.Num: ("a literal", "to compare, use '=='"),
    A.Str: ("a literal", None),
    A.Const: ("a literal", None),
    A.Subscript: ("an index of an expression", "only name[index] = value is supported"),
    A.TupleExpr: ("a tuple", "unpacking (a, b = …) is not supported: one name per statement"),
    A.ListExpr: ("a list", None),
    A.Compare: ("a comparison", None),
    A.IfExp: ("a conditional expression", None),
}

