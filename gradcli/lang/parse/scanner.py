"""The scanner: G source text -> tokens (`Token`), with the indentation turned into INDENT and DEDENT.

One regex made from the grammar's terminals (`tables.TERMINALS`, in Lark's order) cuts the text.
The scanner also does the job of Lark's Indenter (INDENT and DEDENT from the indentation after
each newline, no newlines inside brackets), tells a prefix `-` (UADD) from a binary one and a
ternary `if`/`else` (TIF/TELSE) from the statements, and turns a bad character, a bad unindent or
a `__name` into an ERROR token, so that errors come in text order.
"""
from __future__ import annotations

import re
from operator import itemgetter

from ...errors import GSyntaxError, Span
from .tables import IGNORE, KEYWORDS, TERMINALS

__all__ = ["scan", "ScanInfo", "OPERAND_END", "syntax_error", "show_char", "Token", "make", "token_span",
           "token_end", "eof_pos"]


# ----- tokens: what the scanner hands the LALR driver, and the builder finds among the children -----

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


def eof_pos(text: str, first: int) -> tuple:
    """(line, column) just after the last non-blank character: where 'end of input' is shown."""
    n = len(text.rstrip())
    return text.count("\n", 0, n) + first, n - text.rfind("\n", 0, n)


# ----- the scanner -----

# Token kinds that end an operand: a `-` after one is binary, an `if` after one a ternary.
OPERAND_END = frozenset({"NAME", "NUMBER", "STRING", "RPAR", "RSQB", "TRUE", "FALSE", "NONE"})
_CLOSE = {"RPAR": "(", "RSQB": "["}
_IGNORE = frozenset(IGNORE)
# Blanks are skipped by the prefix; what no terminal matches is an ERROR token.
_scan = re.compile(r"[ \t\f]*(?:" + "|".join(f"(?P<{name}>{regex})" for name, regex in TERMINALS)
                   + r"|(?P<ERROR>[\s\S]))").finditer


class ScanInfo:
    __slots__ = ("open_brackets", "saw_indent", "text", "first")

    def __init__(self, text, first):
        self.text, self.first, self.open_brackets, self.saw_indent = text, first, None, False


def syntax_error(message, file, line, column, width=1, hint=None) -> GSyntaxError:
    return GSyntaxError(message, Span(file, line, column, line, column + width), hint)


def show_char(ch: str) -> str:
    return f"'{ch}'" if ch.isprintable() else f"U+{ord(ch):04X}"


def _indent_width(s: str, tab: int = 8) -> int:
    if "\t" not in s and "\f" not in s:
        return len(s)
    width = 0
    for ch in s:     # tabs to the next multiple of 8, form feed resets, as in CPython's tokenizer
        width = (width // tab + 1) * tab if ch == "\t" else 0 if ch == "\f" else width + 1
    return width


def _tab_error(file, line, col):
    return syntax_error("tabs and spaces mixed in the indentation: what this line belongs to would "
                   "depend on the width of a tab (Python's TabError)", file, line, col,
                   hint="indent with spaces only, or with tabs only")


def scan(text: str, file: str, first: int, column: int = 1, inner=None):
    """The tokens of `text` and a `ScanInfo`; the tokens end with an ERROR token or the final
    DEDENTs.

    `column` is where `text` starts on line `first` (an f-string's expression); `inner`, an
    opening token that `text` is inside of (newlines ignored, no indentation read).
    """
    info = ScanInfo(text, first)
    toks = []
    push = toks.append
    keywords, operand_end, ignore = KEYWORDS, OPERAND_END, _IGNORE
    line, line_start = first, 1 - column
    brackets = [inner] if inner else []
    indents = [0]
    alt_indents = [0]    # the widths with a tab as 1 column: they must order lines as `indents`
    prev = None          # does, or the block depends on the tab width (Python's TabError)
    lead = re.match(r"[ \t\f]*", text).end()
    if lead and not inner and text[lead] not in "\n#\\":
        err = syntax_error("unexpected indent", file, first, lead + 1)
        push(make(Token, ("ERROR", err, first, lead + 1)))
        return toks, info
    for m in _scan(text):
        kind = m.lastgroup
        if kind == "NAME":
            value = m.group(kind)
            col = m.start(kind) - line_start + 1
            kind = keywords.get(value, "NAME")
            if kind == "NAME":
                if value[:2] == "__" and not (value == "__future__" and prev == "FROM"):
                    err = syntax_error("names beginning with '__' are not allowed", file, line, col,
                                  len(value))
                    push(make(Token, ("ERROR", err, line, col)))
                    return toks, info
            elif prev in operand_end and (kind == "IF" or kind == "ELSE"):
                kind = "TIF" if kind == "IF" else "TELSE"
            push(make(Token, (kind, value, line, col)))
        elif kind == "_NEWLINE":
            value = m.group(kind)
            start = m.start(kind)
            if not brackets:
                if prev is not None and prev != "_NEWLINE":
                    kind = "_NEWLINE"
                    push(make(Token, (kind, value, line, start - line_start + 1)))
                else:
                    kind = prev
            line += value.count("\n")
            line_start = start + value.rindex("\n") + 1
            if brackets:
                continue     # newlines inside brackets are ignored, as by Lark's Indenter
            at_end = m.end() == len(text)
            lead = value[value.rindex("\n") + 1:]
            width, alt = _indent_width(lead), _indent_width(lead, 1)
            col = m.end() - line_start + 1
            if (width > indents[-1]) != (alt > alt_indents[-1]) or \
                    (width == indents[-1]) != (alt == alt_indents[-1]):
                push(make(Token, ("ERROR", _tab_error(file, line, col), line, col)))
                return toks, info
            if width > indents[-1]:
                indents.append(width)
                alt_indents.append(alt)
                info.saw_indent = True
                kind = "_INDENT"
                push(make(Token, (kind, "", line, col)))
            elif width < indents[-1]:
                while width < indents[-1]:
                    indents.pop()
                    alt_indents.pop()
                    kind = "_DEDENT"
                    push(make(Token, (kind, "eof" if at_end else "", line, col)))
                if width != indents[-1]:
                    err = syntax_error("unindent does not match any outer indentation level", file,
                                  line, col)
                    push(make(Token, ("ERROR", err, line, col)))
                    return toks, info
                if alt != alt_indents[-1]:
                    push(make(Token, ("ERROR", _tab_error(file, line, col), line, col)))
                    return toks, info
        elif kind == "ADD":
            if prev not in operand_end:
                kind = "UADD"
            push(make(Token, (kind, m.group("ADD"), line, m.start("ADD") - line_start + 1)))
        elif kind == "LPAR" or kind == "LSQB":
            tok = make(Token, (kind, m.group(kind), line, m.start(kind) - line_start + 1))
            brackets.append(tok)
            push(tok)
        elif kind == "RPAR" or kind == "RSQB":
            value = m.group(kind)
            col = m.start(kind) - line_start + 1
            if brackets:
                opener = brackets.pop()
                if opener[1] != _CLOSE[kind]:
                    msg = (f"closing '{value}' does not match '{opener[1]}' opened at line "
                           f"{opener[2]}, column {opener[3]}")
                    push(make(Token, ("ERROR", syntax_error(msg, file, line, col), line, col)))
                    return toks, info
            push(make(Token, (kind, value, line, col)))
        elif kind == "STRING":
            value = m.group(kind)
            start = m.start(kind)
            col = start - line_start + 1
            if value[-2:] in ('""', "''") and text[m.end():m.end() + 1] == value[-1] \
                    and value.lstrip("rRfFuU") == value[-2:]:  # `""` then a quote: `"""` unclosed
                err = syntax_error("unterminated triple-quoted string", file, line, col,
                              m.end() + 1 - start)
                err._incomplete = "bracket"        # for is_complete(): more lines may close it
                push(make(Token, ("ERROR", err, line, col)))
                return toks, info
            push(make(Token, (kind, value, line, col)))
            if "\n" in value:                      # a string over several lines
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
        elif kind == "ERROR":
            col = m.start(kind) - line_start + 1
            ch = m.group(kind)
            msg = "unterminated string" if ch in "'\"" else f"invalid character {show_char(ch)}"
            push(make(Token, ("ERROR", syntax_error(msg, file, line, col), line, col)))
            return toks, info
        elif kind in ignore:   # a line continuation: only the line count changes
            value = m.group(kind)
            line += value.count("\n")
            line_start = m.start(kind) + value.rindex("\n") + 1
            continue
        else:
            push(make(Token, (kind, m.group(kind), line, m.start(kind) - line_start + 1)))
        prev = kind
    while len(indents) > 1:
        indents.pop()
        alt_indents.pop()
        push(make(Token, ("_DEDENT", "eof", line, 1)))
    info.open_brackets = brackets[1:] if inner else brackets
    return toks, info