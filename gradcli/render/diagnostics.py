"""Errors for a person: kind, message, location, the source line with a caret, and a hint.

    ShapeError: shapes (2, 3) and (4,) do not broadcast
      --> model.g:3:7
       |
     3 | y = x + b
       |     ^~~~~
       = hint: …

For an error inside user functions the call sites come first, outermost first, each headed
`in call at FILE:LINE:COL`; the place of the error itself comes last, headed `-->`.
One layout is built as a rich `Text`; the plain version is its `.plain`, so they never differ.
"""
from __future__ import annotations

import difflib
import io
import unicodedata

from rich.console import Console
from rich.text import Text

from ..errors import GradcliError, Span

TAB_WIDTH = 4           # tab stops of the displayed source line
LONG_LINE = 120         # lines longer than this (in characters) are shown as a window …
WINDOW = 100            # … of this many characters around the column
WINDOW_BEFORE = 40      # characters kept before the column in a window
TRACE_EDGE = 10         # a longer call chain shows this many calls at each end

_KIND, _LOC, _GUTTER, _CARET, _HINT, _NOTE = "bold red", "cyan", "bold blue", "bold red", "yellow", "dim"


def did_you_mean(name: str, candidates) -> str | None:
    """The candidate closest to `name` (difflib ratio ≥ 0.6), or None: `nme` → `name`."""
    pool = sorted({c for c in candidates if isinstance(c, str) and c != name})
    found = difflib.get_close_matches(name, pool, n=1, cutoff=0.6)
    return found[0] if found else None


def format_interrupt() -> str:
    """The one line printed on stderr when the user presses Ctrl-C."""
    return "interrupted"


def format_error(err: GradcliError, sources: dict[str, str] | None = None, color: bool = False) -> str:
    """Render `err` as text: plain, or with ANSI colours when `color` is true.

    `sources` maps a span's file name to its source text; without it (or when the line does not
    exist) the source snippet is left out and only the location is shown.
    """
    text = rich_error(err, sources)
    if not color:
        return text.plain
    buffer = io.StringIO()
    # A huge width: the layout is ours, rich must not re-wrap it.
    console = Console(file=buffer, force_terminal=True, color_system="standard", width=1 << 20,
                      highlight=False, emoji=False, markup=False)
    console.print(text, end="", soft_wrap=True)
    return buffer.getvalue()


def rich_error(err: GradcliError, sources: dict[str, str] | None = None) -> Text:
    """The same layout as `format_error`, as a rich `Text` (kind in red, location in cyan,
    caret in red, hint in yellow)."""
    lines = _LineCache(sources or {})
    calls = _shorten_trace(list(getattr(err, "trace", None) or []))
    places = [s for s, _ in calls if s is not None] + ([err.span] if err.span else [])
    width = max((len(str(s.line)) for s in places), default=1)

    out = Text()
    out.append(err.kind, _KIND)
    out.append(": " + _clean(err.message))
    for span, note in calls:
        if span is None:
            out.append("\n" + " " * (width + 2) + "= " + note, _NOTE)
            continue
        out.append("\n" + " " * (width + 1))
        out.append("in call at ", _NOTE)
        out.append(_where(span), _LOC)
        _snippet(out, span, lines, width)
    if err.span is not None:
        out.append("\n" + " " * (width + 1) + "--> ", _GUTTER)
        out.append(_where(err.span), _LOC)
        _snippet(out, err.span, lines, width)
    if err.hint:
        out.append("\n" + " " * (width + 2) + "= ", _GUTTER)
        out.append("hint: " + _clean(err.hint), _HINT)
    return out


def _where(span: Span) -> str:
    return f"{_clean(span.file)}:{span.line}:{span.column}"


def _shorten_trace(trace: list[Span]) -> list[tuple[Span | None, str]]:
    """Collapse repeats (recursion) and long chains; a None span marks a note line."""
    runs: list[tuple[Span | None, str]] = []
    i = 0
    while i < len(trace):
        j = i
        while j + 1 < len(trace) and trace[j + 1] == trace[i]:
            j += 1
        runs.append((trace[i], ""))
        if j > i:
            runs.append((None, f"note: the call above repeated {j - i} more time{'s' * (j - i > 1)}"))
        i = j + 1
    if len(runs) > 2 * TRACE_EDGE:
        hidden = len(runs) - 2 * TRACE_EDGE
        runs = runs[:TRACE_EDGE] + [(None, f"note: … {hidden} more calls …")] + runs[-TRACE_EDGE:]
    return runs


class _LineCache:
    """Source lines by file, split once per render (a file may be named by many spans)."""

    def __init__(self, sources: dict[str, str]):
        self.sources = sources
        self.split: dict[str, list[str]] = {}

    def get(self, file: str, line: int) -> str | None:
        if file not in self.split:
            text = self.sources.get(file)
            # Split on "\n" only, as the parser counts lines; str.splitlines would also split
            # on \f, \x1c, \u2028 … and shift every line number after them.
            self.split[file] = text.split("\n") if isinstance(text, str) else []
        lines = self.split[file]
        if 1 <= line <= len(lines):
            return lines[line - 1].rstrip("\r")
        return None


def _snippet(out: Text, span: Span, lines: _LineCache, width: int) -> None:
    """Append the gutter, the source line and the caret line for `span`, if the line exists."""
    source = lines.get(span.file, span.line)
    if source is None:
        return
    start = min(max(span.column, 1), len(source) + 1) - 1     # 0-based character index
    end = start + 1
    same_line = span.end_line is None or span.end_line == span.line
    if same_line and span.end_column is not None and span.end_column > span.column:
        end = min(span.end_column - 1, len(source))             # end_column is exclusive
        end = max(end, start + 1)
    shown, start, end = _window(source, start, end)
    display, cols = _display(shown)
    caret_at = cols[start]
    caret_len = max(1, cols[min(end, len(shown))] - caret_at)
    blank = " " * (width + 2) + "|"
    out.append("\n" + blank, _GUTTER)
    out.append("\n" + f" {span.line:>{width}} | ", _GUTTER)
    out.append_text(_highlighted(display))
    out.append("\n" + blank, _GUTTER)
    out.append(" " + " " * caret_at)
    out.append("^" + "~" * (caret_len - 1), _CARET)


def _highlighted(line: str) -> Text:
    """The source line coloured by G's pygments lexer (colours only: `.plain` is the line)."""
    try:
        # Here, for start-up time: Pygments loads only for a diagnostic in colour.
        from rich.syntax import Syntax

        from ..lexer import GLexer
        text = Syntax("", GLexer(), theme="ansi_dark", background_color="default").highlight(line)
    except ImportError:     # colour is a nicety: never let it cost the diagnostic
        return Text(line)
    text.rstrip()
    return text if text.plain == line else Text(line)


def _window(source: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a very long line to about WINDOW characters around `start`, marked with `…`."""
    if len(source) <= LONG_LINE:
        return source, start, end
    lo = max(0, start - WINDOW_BEFORE)
    hi = min(len(source), lo + WINDOW)
    lo = max(0, min(lo, hi - WINDOW))
    shown = source[lo:hi]
    shift = 0
    if lo > 0:
        shown, shift = "…" + shown, 1
    if hi < len(source):
        shown += "…"
    start = start - lo + shift
    end = min(end - lo + shift, len(shown) - (hi < len(source)))
    return shown, start, max(end, start + 1)


def _display(line: str) -> tuple[str, list[int]]:
    """The line as printed (tabs expanded, control characters replaced) and the display column
    where each character starts (one extra entry for the end), counting East Asian wide
    characters as 2 columns and combining marks as 0."""
    parts: list[str] = []
    cols: list[int] = []
    col = 0
    for ch in line:
        cols.append(col)
        if ch == "\t":
            n = TAB_WIDTH - col % TAB_WIDTH
            parts.append(" " * n)
            col += n
            continue
        if unicodedata.category(ch) in ("Cc", "Cs"):   # never send raw escapes to a terminal
            ch = "\ufffd"
        parts.append(ch)
        if unicodedata.combining(ch):
            continue
        col += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    cols.append(col)
    return "".join(parts), cols


def _clean(text: str) -> str:
    """Replace control characters (but newlines and tabs) so hostile text cannot drive the terminal."""
    if text.isprintable():
        return text
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs") else "\ufffd"
                   for ch in text)
