"""Syntax errors in words: what the LALR driver's "unexpected token" means, said at the token.

The wording names what was found and what could come instead ("expected ':' after the condition
of 'if'", "'(' opened at line 3, column 7 was never closed"), never Lark's token names, and names
Python constructs G does not have. An error at the end of the input is marked as incomplete for
`is_complete()` (the REPL waits for more lines).
"""
from __future__ import annotations

from ...errors import GSyntaxError, LimitError, Span
from .scanner import Token, eof_pos, token_span

__all__ = ["unexpected", "nesting_limit", "clip"]


def nesting_limit(max_nesting: int, span: Span) -> LimitError:
    return LimitError(f"syntax nested too deeply: more than {max_nesting} levels "
                      "(raise the limit with --max-nesting N)", span)


_HEADERS = {"IF", "ELIF", "WHILE", "FOR", "DEF", "WITH", "ELSE"}
_COLON = {"IF": "after the condition of 'if'", "ELIF": "after the condition of 'elif'",
          "WHILE": "after the condition of 'while'", "FOR": "after 'for … in …'",
          "DEF": "after the parameters of 'def'", "WITH": "after 'with …'",
          "ELSE": "after 'else'"}
# After these an operand is due: "expected an expression after '+'".
_WANTS_OPERAND = frozenset({"ADD", "UADD", "MUL", "POW", "COMP", "AND", "OR", "NOT", "TIF",
                            "TELSE", "EQUAL", "AUGOP", "IN", "COMMA", "IF", "ELIF", "WHILE",
                            "WITH", "RETURN"})
_OPERATORS = frozenset({"ADD", "MUL", "POW", "COMP", "AND", "OR", "TIF", "DOT", "LPAR", "LSQB",
                        "EQUAL", "AUGOP"})
_WORDS = {"COLON": "':'", "COMMA": "','", "RPAR": "')'", "RSQB": "']'", "LPAR": "'('",
          "EQUAL": "'='", "IN": "'in'", "IMPORT": "'import'", "TELSE": "'else'", "DOT": "'.'",
          "NAME": "a name", "_NEWLINE": "end of line", "SEMICOLON": "';'"}
_THINGS = {"_NEWLINE": "end of line", "_INDENT": "indent", "_DEDENT": "dedent",
           "$END": "end of input"}


def clip(s: str) -> str:
    return s if len(s) <= 24 else s[:24] + "…"


def _describe(tok) -> str:
    kind, value = tok[0], tok[1]
    if not value and kind == "RPAR":
        return "end of the f-string field"
    if kind == "NAME":
        return f"name '{clip(value)}'"
    if kind in ("NUMBER", "STRING"):
        return f"{kind.lower()} {clip(value)}"
    return _THINGS.get(kind) or f"'{value}'"


def _expected_words(expected) -> str:
    if "NAME" in expected and "NUMBER" in expected:
        return "" if "PASS" in expected else "an expression"
    words = [_WORDS[s] for s in sorted(expected)
             if s in _WORDS and not ("ADD" in expected and s in _OPERATORS)]
    if not words or len(words) > 3:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def _header(vs, through_colon: bool):
    """The nearest compound-statement keyword token on the parse stack, if its line is open."""
    depth = 0       # brackets closed but not yet reduced (`range(3)` before its call reduces)
    for x in reversed(vs):
        if type(x) is Token:
            kind = x[0]
            if kind in _HEADERS:
                return x
            if kind == "RPAR" or kind == "RSQB":
                depth += 1
            elif kind == "LPAR" or kind == "LSQB":
                depth -= 1
                if depth < 0 and not through_colon:
                    return None
            elif not through_colon and kind in ("COLON", "SEMICOLON", "_NEWLINE"):
                return None
    return None


def unexpected(tok, tokens, row, vs, info, file: str) -> GSyntaxError:
    """Lark-style 'unexpected token' turned into words, at the offending token."""
    kind = tok[0]
    if kind == "ERROR":
        return tok[1]
    expected = {s for s in row if s.isupper()}
    at_eof = kind == "$END" or (kind == "_DEDENT" and tok[1] == "eof")
    where = eof_pos(info.text, info.first) if at_eof else (tok[2], tok[3])
    opened = [b for b in info.open_brackets or () if (b[2], b[3]) <= where]
    if opened:   # an unclosed bracket explains everything after it; report it where it opened
        b = opened[-1]
        err = GSyntaxError(("unexpected end of input: " if at_eof else "") +
                           f"'{b[1]}' opened at line {b[2]}, column {b[3]} was never closed",
                           token_span(b, file))
        err._incomplete = "bracket"       # for is_complete(): more lines may close it
        return err
    i = next((i for i in range(len(tokens)) if tokens[i] is tok), len(tokens))
    prev = tokens[i - 1] if i > 0 else None
    python_only = _python_only(tok, prev, tokens, i, file)
    if python_only is not None:
        return python_only
    hint = None
    if "_INDENT" in expected and kind != "_INDENT":
        kw = _header(vs, True)
        msg = "expected an indented block" + (f" after '{kw[1]}' on line {kw[2]}" if kw else "")
    elif "NAME" in expected and "NUMBER" in expected and prev and prev[0] in _WANTS_OPERAND:
        msg = f"expected an expression after '{prev[1]}'"
    elif at_eof:
        msg = "unexpected end of input"
    elif "COLON" in expected and _header(vs, False):
        msg = "expected ':' " + _COLON[_header(vs, False)[0]]
    else:
        words = _expected_words(expected)
        msg = f"unexpected {_describe(tok)}" + (f"; expected {words}" if words else "")
        if kind in ("NAME", "NUMBER", "STRING") and "ADD" in expected:
            hint = "is an operator or ',' missing before it?"
    if kind == "EQUAL" and not (prev and prev[0] == "EQUAL"):
        hint = "to compare, use '=='"
    span = Span(file, *where, where[0], where[1] + 1) if at_eof else token_span(tok, file)
    err = GSyntaxError(msg, span, hint)
    err._incomplete = "eof" if at_eof else None
    return err


# Python constructs G does not have, named, with what to write instead (issue 15): without this
# they read as "unexpected name 'x'; is an operator or ',' missing before it?".
_NOT_IN_G = {
    "lambda": ("G has no 'lambda'", "define the function with def: `def f(x): return x * 2`"),
    "class": ("G has no classes ('class')", "use functions (def) and tensors"),
}


def _python_only(tok, prev, tokens, i, file: str) -> GSyntaxError | None:
    """The error for a Python-only construct at the parse error `tok`, or None."""
    if prev is not None and prev[0] == "NAME" and prev[1] in _NOT_IN_G:
        msg, hint = _NOT_IN_G[prev[1]]
        return GSyntaxError(msg, token_span(prev, file), hint)
    if tok[0] == "NAME" and tok[1] in _NOT_IN_G and prev is not None and prev[0] == "NAME":
        msg, hint = _NOT_IN_G[tok[1]]
        return GSyntaxError(msg, token_span(tok, file), hint)
    if tok[1] == "/" and prev is not None and prev[1] == "/" and \
            (prev[2], prev[3] + 1) == (tok[2], tok[3]):
        return GSyntaxError("G has no '//' (floor division)", Span(file, prev[2], prev[3], tok[2], tok[3] + 1),
                            "use floor(a / b)")
    if tok[0] == "FOR" and _in_brackets(tokens, i):
        return GSyntaxError("G has no comprehensions ('for' inside brackets)", token_span(tok, file),
                            "write a for loop, or operate on the whole tensor: `x ** 2` squares "
                            "every element, `sum(x ** 2)` adds them up")
    return None


def _in_brackets(tokens, i) -> bool:
    depth = 0
    for kind, *_ in reversed(tokens[:i]):
        if kind in ("RPAR", "RSQB"):
            depth -= 1
        elif kind in ("LPAR", "LSQB"):
            depth += 1
            if depth > 0:
                return True
        elif kind == "_NEWLINE" and depth == 0:
            return False
    return False

