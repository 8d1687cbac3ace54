"""What the REPL's prompt does while you type: Tab completion, indentation, Enter, history.

Completion looks at the values bound in the session, never evaluates code: `x.gr` offers the
attributes of the value bound to `x` (`grad`, `grad_fn`), `torch.au` the members of a namespace,
`x.sum().` those of any tensor. Enter runs the entry when `input.ready` says it is complete and
otherwise opens an indented line (ptpython's approach); `else:` typed at the body's indentation
moves back under its `if` (IPython's).
"""
from __future__ import annotations

import os
import re

from ..autograd.tensor import Tensor
from ..errors import GradcliError
from ..lang.builtins import BUILTINS, TENSOR_METHODS, TENSOR_PROPS, attribute_names
from ..lang.values import BuiltinFunction, Namespace, Number, UserFunction, type_name
from .input import ready, scan_line
INDENT = "    "


# ----- history -----

def history_path() -> str:
    state = os.environ.get("XDG_STATE_HOME")
    if not state or not os.path.isabs(state):
        state = os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(state, "gradcli", "history")


def make_history():
    """A FileHistory in the state directory, or an in-memory one if that cannot be written."""
    # prompt_toolkit is imported in the functions that build its objects, for start-up time: a
    # dumb terminal's REPL imports this module (`kind`) and needs no prompt_toolkit.
    from prompt_toolkit.history import FileHistory, InMemoryHistory

    class QuietFileHistory(FileHistory):
        def load_history_strings(self):
            try:
                yield from super().load_history_strings()
            except OSError:
                return

        def store_string(self, string):
            try:
                super().store_string(string)
            except OSError:
                pass

    path = history_path()
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "ab"):
            pass
        return QuietFileHistory(path)
    except OSError:
        return InMemoryHistory()


def kind(v) -> str:
    """A value's kind in words (`a tensor`, `a function` …)."""
    if isinstance(v, Tensor):
        return "a tensor"
    return type_name(v)



# ----- completion -----

_KEYWORDS = ("if", "elif", "else", "while", "for", "in", "def", "return", "break", "continue",
             "pass", "and", "or", "not", "with", "import", "from", "as", "True", "False", "None")
_ATTR = re.compile(r"([^\W\d]\w*(?:\s*\.\s*[^\W\d]\w*)*)\s*\.\s*(\w*)$")
_AFTER_CALL = re.compile(r"[)\]]\s*\.\s*(\w*)$")
_NAME = re.compile(r"(?<![\w.])([^\W\d]\w*)$")


def _resolve(chain: str, session):
    """The value a dotted name stands for, following only names and plain attributes."""
    parts = [p.strip() for p in chain.split(".")]
    head = parts[0]
    if head in session.globals:
        value = session.globals[head]
    elif head in BUILTINS:
        value = BUILTINS[head]
    else:
        return None
    for part in parts[1:]:
        if isinstance(value, Namespace) and part in value.members:
            value = value.members[part]
        elif isinstance(value, Tensor) and part in TENSOR_PROPS:
            try:
                value = TENSOR_PROPS[part](value)
            except GradcliError:
                return None
        else:
            return None
    return value


def _meta(v) -> str:
    if isinstance(v, Tensor) and type(v) is not Number:
        return "tensor " + str(tuple(v.data.shape))
    if isinstance(v, Number):
        return "number"
    if isinstance(v, Namespace):
        return "module"
    if isinstance(v, BuiltinFunction):
        return "built-in"
    if isinstance(v, UserFunction):
        return "function"
    return kind(v)


def completions(text_before: str, session):
    """(completion text, start offset, meta) for the code before the cursor."""
    line = text_before.rsplit("\n", 1)[-1]
    code = scan_line(line, 0)[1]
    if len(code) < len(line.rstrip()) or _in_string(line):
        return []                                    # in a comment or a string
    m = _ATTR.search(line)
    if m:
        value = _resolve(m.group(1), session)
        prefix = m.group(2)
        names = attribute_names(value) if value is not None else []
        return [(n, -len(prefix), "property" if n in TENSOR_PROPS and isinstance(value, Tensor)
                 else _attr_meta(value, n))
                for n in names if n.startswith(prefix) and not n.startswith("_")]
    m = _AFTER_CALL.search(line)
    if m:                                           # `x.sum().` — most likely a tensor
        prefix = m.group(1)
        return [(n, -len(prefix), "tensor") for n in sorted(set(TENSOR_PROPS) | set(TENSOR_METHODS))
                if n.startswith(prefix)]
    m = _NAME.search(line)
    if not m:
        return []
    prefix = m.group(1)
    out, seen = [], set()
    for name, value in list(session.globals.items()):
        if name.startswith(prefix) and name not in seen:
            seen.add(name)
            out.append((name, -len(prefix), _meta(value)))
    for name in sorted(BUILTINS):
        if name.startswith(prefix) and name not in seen:
            seen.add(name)
            out.append((name, -len(prefix), _meta(BUILTINS[name])))
    for name in _KEYWORDS:
        if name.startswith(prefix) and name not in seen:
            out.append((name, -len(prefix), "keyword"))
    return out


def _attr_meta(value, name):
    if isinstance(value, Namespace):
        return _meta(value.members.get(name))
    return "method"


def _in_string(line: str) -> bool:
    quote = None
    i = 0
    while i < len(line):
        c = line[i]
        if quote:
            if c == "\\":
                i += 1
            elif c == quote:
                quote = None
        elif c in "\"'":
            quote = c
        elif c == "#":
            return False
        i += 1
    return quote is not None


def command_completions(text_before: str, session, commands: dict, aliases: dict):
    """Completions for a `:command` line (`commands`: name -> (args, what it does))."""
    line = text_before.lstrip()
    if " " not in line:
        names = list(commands) + [a for a in aliases if len(a) > 2]
        return [(c, -len(line), commands.get(c, ("", ""))[1][:40]) for c in names if c.startswith(line)]
    cmd, _, arg = line.partition(" ")
    cmd = aliases.get(cmd, cmd)
    word = arg.split(" ")[-1] if arg else ""
    if cmd in (":graph", ":wrt"):
        pool = session.variables() if cmd == ":graph" else session.globals
        return [(n, -len(word), _meta(v)) for n, v in pool.items() if n.startswith(word)]
    return []


def make_completer(repl, commands: dict, aliases: dict):
    """The prompt_toolkit Completer: commands, file names after `:load`, then code."""
    from prompt_toolkit.completion import Completer, Completion, PathCompleter  # start-up time
    from prompt_toolkit.document import Document

    paths = PathCompleter(expanduser=True)

    class GCompleter(Completer):
        def get_completions(self, document, complete_event):
            before = document.text_before_cursor
            if "\n" not in document.text and before.lstrip().startswith(":"):
                stripped = before.lstrip()
                if stripped.startswith((":load ", ":l ")):
                    arg = stripped.split(" ", 1)[1].lstrip()
                    yield from paths.get_completions(Document(arg, len(arg)), complete_event)
                    return
                items = command_completions(before, repl.session, commands, aliases)
            else:
                items = completions(before, repl.session)
            for text, start, meta in items:
                yield Completion(text, start_position=start, display_meta=meta)

    return GCompleter()


# ----- editing: Enter, indentation -----

_DEDENT_AFTER = re.compile(r"^\s*(return|pass|break|continue)\b")
_HEADER = re.compile(r"^\s*(if|elif)\b")


def _indent_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip(" \t"))]


def next_indent(text: str) -> str:
    """The indentation for a new line after `text`: one level more after a `:`, one less after
    `return`/`pass`/`break`/`continue`, the same otherwise (and inside brackets)."""
    lines = text.split("\n")
    line = lines[-1]
    indent = _indent_of(line)
    depth = 0
    for l in lines[:-1]:
        depth = scan_line(l, depth)[0]
    depth, code = scan_line(line, depth)
    if depth > 0:
        return indent
    if code.endswith(":"):
        return indent + INDENT
    if _DEDENT_AFTER.match(code):
        return indent[:-len(INDENT)] if len(indent) >= len(INDENT) else ""
    return indent


def dedent_else(text: str) -> str | None:
    """When the last line is `else:`/`elif …:` indented deeper than its `if`, the text with that
    line moved back under the `if` (as IPython does); None otherwise."""
    lines = text.split("\n")
    line = lines[-1]
    code = scan_line(line, 0)[1].strip()
    if not (code.startswith(("else", "elif")) and code.endswith(":")) or len(lines) < 2:
        return None
    indent = len(_indent_of(line))
    for prev in reversed(lines[:-1]):
        if prev.strip() and _HEADER.match(prev) and len(_indent_of(prev)) < indent:
            lines[-1] = _indent_of(prev) + line.lstrip(" \t")
            return "\n".join(lines)
        if prev.strip() and len(_indent_of(prev)) < indent and not _HEADER.match(prev):
            return None
    return None


def key_bindings():
    """Enter (run when ready, else a new indented line), Esc Enter (run now), Tab/Shift-Tab
    at the start of a line (indent/dedent)."""
    from prompt_toolkit.filters import Condition, has_focus     # start-up time (make_history)
    from prompt_toolkit.key_binding import KeyBindings

    kb = KeyBindings()

    @Condition
    def only_blanks_before():
        from prompt_toolkit.application import get_app
        doc = get_app().current_buffer.document
        before = doc.current_line_before_cursor
        return not before.strip() and not doc.text.lstrip().startswith(":")

    @kb.add("enter", filter=has_focus("DEFAULT_BUFFER"))
    def _enter(event):
        b = event.current_buffer
        state = b.complete_state
        if state is not None and state.current_completion is not None:
            b.complete_state = None        # Enter picks the highlighted completion
            return
        fixed = dedent_else(b.document.text_before_cursor)
        if fixed is not None:                  # `else:` typed at the body's indentation
            after = b.document.text_after_cursor
            b.text = fixed + after
            b.cursor_position = len(fixed)
        doc = b.document
        text = doc.text
        at_end = not doc.text_after_cursor.strip()
        if at_end or "\n" not in text:
            if ready(text):
                b.validate_and_handle()
                return
            if not at_end:
                b.cursor_position = len(text)
        b.insert_text("\n" + next_indent(b.document.text_before_cursor))

    @kb.add("escape", "enter", filter=has_focus("DEFAULT_BUFFER"))
    def _run_now(event):
        event.current_buffer.validate_and_handle()

    @kb.add("tab", filter=only_blanks_before)
    def _indent(event):
        event.current_buffer.insert_text(INDENT)

    @kb.add("s-tab", filter=only_blanks_before)
    def _dedent(event):
        b = event.current_buffer
        before = b.document.current_line_before_cursor
        n = min(len(before), len(INDENT))
        if n:
            b.delete_before_cursor(n)

    return kb


__all__ = ["completions", "command_completions", "make_completer", "next_indent", "dedent_else",
           "key_bindings", "history_path", "make_history", "kind", "INDENT"]
