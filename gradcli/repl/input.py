"""Is the input complete? The shape of G input — brackets, triple-quoted strings, blocks and
continuations — for the REPL's Enter (`ready`) and for piped mode's lines (`Shape`).

Only "is it complete?" lives here; running it is `console.py`'s (CPython's InteractiveConsole,
DESIGN rule 8). Nothing here runs code or imports the engine.
"""
from __future__ import annotations

_CONTINUES = ("else", "elif")


# ----- the shape of the input: brackets, blocks, continuations -----

def scan_line(line: str, depth: int) -> tuple[int, str]:
    """Bracket depth after `line` (starting at `depth`) and the line's code without its comment."""
    depth, code, _ = scan(line, depth)
    return depth, code


def scan(line: str, depth: int, quote: str | None = None) -> tuple[int, str, str | None]:
    """(bracket depth, code without its comment, open triple quote) after `line`.

    Only a triple-quoted string spans lines: `quote` is its quotes when one is open at the
    start of the line (and, returned, at its end); brackets and '#' inside strings do not count.
    """
    i, n, end = 0, len(line), len(line)
    if quote:
        close = _closing(line, 0, quote)
        if close < 0:
            return depth, "", quote
        i = close
    while i < n:
        c = line[i]
        if c == "#":
            end = i
            break
        if c == '"' or c == "'":
            if line.startswith(c * 3, i):
                close = _closing(line, i + 3, c * 3)
                if close < 0:
                    return depth, line.rstrip(), c * 3
                i = close
                continue
            i += 1
            while i < n and line[i] != c:
                i += 2 if line[i] == "\\" else 1
        elif c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        i += 1
    return depth, line[:end].rstrip(), None


def _closing(line: str, i: int, quote: str) -> int:
    """The index just after the `quote` that closes a triple-quoted string, or -1."""
    while True:
        j = line.find(quote, i)
        if j < 0:
            return -1
        k = j
        while k > i and line[k - 1] == "\\":
            k -= 1
        if (j - k) % 2 == 0:             # not escaped
            return j + 3
        i = j + 1


class Shape:
    """What a run of lines still needs: a closing bracket or quote, the line after a `\\`, a
    block's end."""

    def __init__(self, lines=()):
        self.depth = 0
        self.backslash = False
        self.quote = None           # the quotes of a triple-quoted string still open
        self.block = False          # a line ending in ':' (outside brackets) opened a block
        for line in lines:
            self.add(line)

    def add(self, line: str):
        self.depth, code, self.quote = scan(line, self.depth, self.quote)
        self.backslash = code.endswith("\\") and not self.quote
        if self.depth <= 0 and not self.quote and code.endswith(":"):
            self.block = True

    @property
    def open(self) -> bool:
        """The last line cannot end the statement: a bracket or a triple-quoted string is open,
        or it ends in `\\`."""
        return self.depth > 0 or self.backslash or self.quote is not None


def indented(line: str) -> bool:
    """Does the line begin with white space (a block's body)?"""
    return line[:1] in (" ", "\t", "\f")


def blank(line: str) -> bool:
    """Nothing but white space?"""
    return not line.strip(" \t\f")


def continues(line: str) -> bool:
    """Does the line continue the block above (`else:`, `elif …:`)?"""
    word = line.lstrip().split(":", 1)[0].split(None, 1)
    return bool(word) and word[0] in _CONTINUES


def ready(text: str) -> bool:
    """The REPL's Enter: can `text` (an edited entry, lines joined by '\\n') run now?

    True when the parser says it is complete (`is_complete`, which also says True for a definite
    syntax error, so it is shown at once), or when nothing in its shape asks for more: no open
    bracket, no trailing `\\`, no block still open (a block is closed by an empty last line).
    `x = 1 +` is therefore reported at once instead of waiting for a line that cannot help.
    """
    if not text.strip():
        return True
    from ..lang.parse import is_complete   # here, for start-up time: the prompt shows first
    if is_complete(text):
        return True
    lines = text.split("\n")
    shape = Shape(lines)
    if shape.open:
        return False
    return not shape.block or (len(lines) > 1 and blank(lines[-1]))


__all__ = ["scan", "scan_line", "Shape", "ready", "indented", "blank", "continues"]
