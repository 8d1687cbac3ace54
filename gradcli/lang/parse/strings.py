"""String literals (LANGUAGE.md §2): prefixes, quotes, escapes, and the fields of f-strings.

The scanner hands over each STRING token whole — prefix and quotes included, over several
lines for a triple-quoted one. `literal_parts` turns it into text and `FormattedValue`
nodes, following Python 3.11's rules for f-strings: `{{`/`}}` are braces, a field is
`{expression!conversion:spec}` where the expression ends at a `}`, `!`, `:` or a final `=` outside
brackets and strings, a spec may hold fields of its own (one level), and the expression part
has no backslash and no `#`. The expression itself is parsed by the caller (`parse_expr`), at
its own line and column, so its errors and spans point into the f-string.
"""
from __future__ import annotations

import re

from ...errors import GSyntaxError, Span
from .. import ast as A

__all__ = ["literal_parts"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "\n": "",
            "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
# Compiled on first use, by re's cache: most scripts have no backslash in a string, and compiling
# a regex is start-up time.
_ESCAPE = r"\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|N\{[^}\n]*\}|[0-7]{1,3}|.)"
_CLOSING = {")": "(", "]": "[", "}": "{"}


def _unescape(match) -> str:
    s = match.group(1)
    if len(s) == 1 and not s.isdigit():
        return _ESCAPES.get(s, "\\" + s)         # an unknown escape stays as written, as in Python
    if s[0] in "01234567":
        return chr(int(s, 8))
    if s[0] == "N":
        import unicodedata    # here, for start-up time: a C extension that only \N{...} needs
        try:
            return unicodedata.lookup(s[2:-1])
        except KeyError:
            raise ValueError(s) from None
    code = int(s[1:], 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise ValueError(s)
    return chr(code)


class _Literal:
    """One STRING token being read: its text, where it stands, and how to read it."""

    def __init__(self, tok, file, parse_expr):
        self.tok, self.file, self.parse_expr = tok, file, parse_expr
        value = tok[1]
        self.value = value
        n = len(value) - len(value.lstrip("rRfFuU"))
        prefix = value[:n].lower()
        self.raw, self.formatted = "r" in prefix, "f" in prefix
        q = 3 if value[n:n + 3] in ('"""', "'''") else 1
        self.start, self.end = n + q, len(value) - q

    def pos(self, i) -> tuple:
        """(line, column) of the character at index i of the token."""
        value, tok = self.value, self.tok
        nl = value.rfind("\n", 0, i)
        if nl < 0:
            return tok[2], tok[3] + i
        return tok[2] + value.count("\n", 0, i), i - nl

    def span(self, i, j) -> Span:
        return Span(self.file, *self.pos(i), *self.pos(j))

    def error(self, msg, i, j=None) -> GSyntaxError:
        return GSyntaxError(msg, self.span(i, j if j is not None else i + 1))

    def text(self, i, j) -> str:
        """The characters i..j, escapes decoded unless raw."""
        s = self.value[i:j]
        if self.raw or "\\" not in s:
            return s
        out, last = [], 0
        for m in re.finditer(_ESCAPE, s, re.S):
            try:
                decoded = _unescape(m)
            except ValueError:
                raise self.error(f"invalid escape '{m.group()}' in string", i + m.start(),
                                 i + m.end()) from None
            out.append(s[last:m.start()])
            out.append(decoded)
            last = m.end()
        out.append(s[last:])
        return "".join(out)

    # ----- f-strings -----
    def parts(self, i, depth):
        """Text and fields from index i; at depth 0 to the closing quote, in a spec to its '}'.
        Returns (parts, index where it stopped)."""
        value, end = self.value, self.end
        parts, seg = [], i
        while i < end:
            ch = value[i]
            if ch == "\\" and not self.raw:
                if value[i + 1:i + 3] == "N{":                 # \N{NAME}: its braces are its own
                    close = value.find("}", i)
                    i = close + 1 if 0 <= close < end else end
                else:
                    i += 1 if value[i + 1:i + 2] in ("{", "}") else 2
                continue
            if ch == "{":
                if depth == 0 and value[i + 1:i + 2] == "{":
                    parts.append(self.text(seg, i) + "{")
                    i = seg = i + 2
                    continue
                if depth >= 2:
                    raise self.error("f-string: expressions nested too deeply", i)
                if seg < i:
                    parts.append(self.text(seg, i))
                field, label, i = self.field(i, depth)
                if label:
                    parts.append(label)
                parts.append(field)
                seg = i
                continue
            if ch == "}":
                if depth:
                    break
                if value[i + 1:i + 2] != "}":
                    raise self.error("f-string: single '}' is not allowed", i)
                parts.append(self.text(seg, i) + "}")
                i = seg = i + 2
                continue
            i += 1
        if seg < i:
            parts.append(self.text(seg, i))
        return parts, i

    def expression_end(self, i) -> int:
        """Index of the character that ends the expression starting at i: '}', '!', ':' or '='."""
        value, end = self.value, self.end
        stack, j = [], i
        while j < end:
            c = value[j]
            if c == "\\":
                raise self.error("f-string expression part cannot include a backslash", j)
            if c == "#":
                raise self.error("f-string expression part cannot include '#'", j)
            if c in "'\"":
                q = c * 3 if value.startswith(c * 3, j) else c
                close = value.find(q, j + len(q), end)
                if close < 0:
                    raise self.error("f-string: unterminated string", j)
                j = close + len(q)
                continue
            if c in "([{":
                stack.append((c, j))
            elif c in ")]}":
                if not stack:
                    if c == "}":
                        return j
                    raise self.error(f"f-string: unmatched '{c}'", j)
                opener, at = stack.pop()
                if opener != _CLOSING[c]:
                    raise self.error(f"f-string: closing parenthesis '{c}' does not match "
                                     f"opening parenthesis '{opener}'", j)
            elif not stack:
                nxt = value[j + 1:j + 2]
                if c == ":" or (c == "!" and nxt != "=") or \
                        (c == "=" and nxt != "=" and value[j - 1] not in "=!<>"):
                    return j
            j += 1
        if stack:
            raise self.error(f"f-string: '{stack[-1][0]}' was never closed", stack[-1][1])
        return j

    def field(self, i, depth):
        """The field whose '{' is at i: (FormattedValue, its `x=` label or None, index after '}')."""
        value, end = self.value, self.end
        j = self.expression_end(i + 1)
        text = value[i + 1:j]
        if not text.strip():
            raise self.error("f-string: empty expression not allowed", i, j + 1 if j < end else j)
        lead = len(text) - len(text.lstrip())
        expr = self.parse_expr(text.strip(), self.pos(i + 1 + lead),
                               self.pos(i + 1 + len(text.rstrip())))
        label = None
        if j < end and value[j] == "=":                 # f"{x=}": the text, then the value
            j += 1
            while j < end and value[j] in " \t\n\f":
                j += 1
            label = self.text(i + 1, j)
        conversion = None
        if j < end and value[j] == "!":
            conversion = value[j + 1:j + 2]
            if conversion not in ("r", "s", "a") or not conversion:
                raise self.error("f-string: invalid conversion character: expected 's', 'r', or 'a'",
                                 j + 1 if j + 1 < end else j)
            j += 2
        spec = None
        if j < end and value[j] == ":":
            spec_parts, k = self.parts(j + 1, depth + 1)
            if spec_parts:
                spec = A.FString(self.span(j + 1, k), tuple(spec_parts))
            j = k
        if j >= end or value[j] != "}":
            raise self.error("f-string: expecting '}'", i)
        if label is not None and conversion is None and spec is None:
            conversion = "r"                            # as Python: `=` shows the repr
        return A.FormattedValue(self.span(i, j + 1), expr, conversion, spec), label, j + 1


def literal_parts(tok, file, parse_expr) -> list:
    """The parts of one STRING token: str pieces and FormattedValue nodes (f-strings only).

    `parse_expr(text, (line, column), (end_line, end_column))` parses a field's expression."""
    lit = _Literal(tok, file, parse_expr)
    if not lit.formatted:
        return [lit.text(lit.start, lit.end)]
    parts, _ = lit.parts(lit.start, 0)
    return parts
