"""Text -> AST for G (LANGUAGE.md §2-§4): `parse()`, and `is_complete()` for the REPL.

The pieces, in the order a text meets them:

* `scanner.py`: the text -> `Token`s, with INDENT/DEDENT from the indentation.
* `lalr.py`: the LALR(1) driver over `tables.py`, which `scripts/gen_parse_tables.py` generates
  from grammar/g.lark with Lark at build time (a test checks it is current): nothing here
  imports Lark. Lark's own pipeline (its lexer, Indenter, tree and Transformer) parses the
  10,000-line benchmark at a sixth of this speed.
* `builder.py`: the AST (`lang/ast.py`), built during the parse, one method per grammar rule;
  `strings.py` reads string literals and f-strings.
* `messages.py`: syntax errors in words, at the offending token.
"""
from __future__ import annotations

import gc
import re
import sys

from ...errors import GSyntaxError, LimitError
from .. import ast as A
from .builder import Builder
from .lalr import drive
from .scanner import Token, eof_pos, make, scan, show_char, syntax_error

__all__ = ["parse", "is_complete"]


# Compiled on first use, by re's cache: only a source that is not ASCII is searched.
_SURROGATES = "[\ud800-\udfff]"


def _prepare(source, file: str, first: int) -> str:
    if isinstance(source, (bytes, bytearray)):
        try:
            source = bytes(source).decode("utf-8")
        except UnicodeDecodeError as err:
            raw = bytes(source)
            start = raw.rfind(b"\n", 0, err.start) + 1
            col = len(raw[start:err.start].decode("utf-8", "replace")) + 1
            raise syntax_error(f"invalid UTF-8 byte 0x{raw[err.start]:02X}", file,
                          raw.count(b"\n", 0, err.start) + first, col) from None
    if not isinstance(source, str):
        raise TypeError(f"parse() needs str or bytes, not {type(source).__name__}")
    if source.startswith("\ufeff"):
        source = source[1:]
    if "\r" in source:
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in source:          # as Python: not even inside a string (it would print raw)
        i = source.index("\x00")
        raise syntax_error("source code cannot contain a NUL byte (U+0000)", file,
                      source.count("\n", 0, i) + first, i - source.rfind("\n", 0, i))
    if not source.isascii():
        bad = re.search(_SURROGATES, source)
        if bad:
            i = bad.start()
            line = source.count("\n", 0, i) + first
            ch = bad.group()
            # U+DC80-U+DCFF: a byte that was not UTF-8, kept by Python's surrogateescape (argv,
            # and how gradcli reads files and stdin): name the byte, as a file's bytes are named
            msg = f"invalid UTF-8 byte 0x{ord(ch) - 0xDC00:02X}" if "\udc80" <= ch <= "\udcff" \
                else f"invalid character {show_char(ch)}"
            raise syntax_error(msg, file, line, i - source.rfind("\n", 0, i))
    return source if source.endswith("\n") else source + "\n"


def _check_placement(body) -> None:
    """`break`/`continue` outside a loop and `return` outside a function, in source order."""
    stack = [(iter(body), False, False)]
    while stack:
        it, in_loop, in_def = stack[-1]
        s = next(it, None)
        if s is None:
            stack.pop()
            continue
        kind = type(s)
        if (kind is A.Break or kind is A.Continue) and not in_loop:
            word = "break" if kind is A.Break else "continue"
            raise GSyntaxError(f"'{word}' outside a loop", s.span)
        if kind is A.Return and not in_def:
            raise GSyntaxError("'return' outside a function", s.span)
        if kind is A.If:
            stack.append((iter(s.body + s.orelse), in_loop, in_def))
        elif kind is A.While or kind is A.For:
            stack.append((iter(s.body), True, in_def))
        elif kind is A.FunctionDef:
            stack.append((iter(s.body), False, True))
        elif kind is A.With:
            stack.append((iter(s.body), in_loop, in_def))


def _field(text: str, start: tuple, end: tuple, file: str, max_nesting: int):
    """The expression of an f-string field (`Builder.fexpr`), parsed where it stands in the file:
    as if in brackets, so newlines are blanks."""
    opener = make(Token, ("LPAR", "", *start))
    toks, info = scan(text, file, start[0], start[1], opener)
    if toks and toks[-1][0] == "ERROR":
        raise toks[-1][1]
    tokens = [opener] + toks + [make(Token, ("RPAR", "", *end)), make(Token, ("_NEWLINE", "", *end))]
    builder = Builder(file, max_nesting, start[0], end, _field)
    return drive(tokens, builder, info).body[0].value


def _parse(source, filename: str, max_nesting: int, first_line: int = 1):
    text = _prepare(source, filename, first_line)
    # The AST has no cycles; without this the collector rescans the growing tree every few
    # hundred allocations, which costs ~15% of a large parse.
    collecting = gc.isenabled()
    gc.disable()
    try:
        tokens, info = scan(text, filename, first_line)
        builder = Builder(filename, max_nesting, first_line, eof_pos(text, first_line), _field)
        program = drive(tokens, builder, info)
    finally:
        if collecting:
            gc.enable()
    _check_placement(program.body)
    return program, info


def parse(source: str, filename: str = "<input>", max_nesting: int = 200, *,
          first_line: int = 1) -> A.Program:
    """Parse G source text (str, or UTF-8 bytes) into an `ast.Program`.

    Raises `GSyntaxError` (with a Span: 1-based line and column in characters, end exclusive) for
    anything that does not parse, and `LimitError` when brackets, blocks, prefix operators, `**`,
    ternaries or `elif`s nest deeper than `max_nesting` (the CLI's `--max-nesting N`). A flat chain
    such as `1+1+…+1` or `x.abs().abs()…` is not nesting and parses at any length.
    Nothing else is raised for any input text. `first_line` numbers the lines of a REPL or piped
    entry as lines of the whole input.
    """
    return _parse(source, filename, max_nesting, first_line)[0]


def _blank_line_last(source: str) -> bool:
    source = source.replace("\r\n", "\n").replace("\r", "\n")
    return "\n" in source and not source[source.rfind("\n") + 1:].strip(" \t\f")


def is_complete(source: str) -> bool:
    """Whether the REPL buffer `source` can run now (CPython's InteractiveConsole rule).

    `source` is the lines typed so far joined with '\\n', so it ends with '\\n' once the user
    has entered an empty line. False while a bracket is open, after a line ending in ':' (the
    parser hits the end of input early), and inside an indented block that no empty line has
    closed; True otherwise, including for a definite syntax error (running it reports the error).
    A one-line compound statement such as `while c: y = y*2` is complete at once.
    """
    try:
        _, info = _parse(source, "<input>", sys.maxsize)
    except LimitError:
        return True
    except GSyntaxError as err:
        reason = getattr(err, "_incomplete", None)
        # An open bracket always waits for more; an early end of input waits unless the user
        # has already entered the empty line (then running it reports the error).
        return reason is None or (reason == "eof" and _blank_line_last(source))
    return not info.saw_indent or _blank_line_last(source)
