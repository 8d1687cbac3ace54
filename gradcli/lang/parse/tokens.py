"""Tokens: what the scanner hands the LALR driver, and the builder finds among the children."""
from __future__ import annotations

from operator import itemgetter

from ...errors import Span


class Token(tuple):
    """One token: (kind, value, line, column). `kind` is a terminal of grammar/g.lark (NAME,
    NUMBER, ADD, LPAR, _NEWLINE …) or one the scanner makes (_INDENT, _DEDENT, UADD, TIF, TELSE),
    or ERROR, whose `value` is the GSyntaxError to raise. `line` and `column` are 1-based, the
    column counted in characters. (A tuple with named fields, as ast.py's nodes: no
    typing.NamedTuple, whose class costs a cold start more than this whole module.)"""

    __slots__ = ()
    kind = property(itemgetter(0))
    value = property(itemgetter(1))
    line = property(itemgetter(2))
    column = property(itemgetter(3))

    def __new__(cls, kind: str, value, line: int, column: int):
        return tuple.__new__(cls, (kind, value, line, column))

    def __repr__(self):
        return "Token(kind={!r}, value={!r}, line={!r}, column={!r})".format(*self)


# A tuple's own constructor: a Token is made for every token of the input, and `Token(...)`
# (a Python-level __new__) costs twice as much.
make = tuple.__new__


def token_span(tok: Token, file: str) -> Span:
    """The span of a token on one line (at least one column wide: an empty DEDENT too)."""
    return Span(file, tok[2], tok[3], tok[2], tok[3] + max(1, len(tok[1])))


def token_end(tok: Token) -> tuple:
    """(line, column) just after a token, which may span lines (a triple-quoted string)."""
    value = tok[1]
    nl = value.rfind("\n")
    if nl < 0:
        return tok[2], tok[3] + len(value)
    return tok[2] + value.count("\n"), len(value) - nl
