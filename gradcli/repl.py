"""The REPL and piped mode share one engine: lines in -> "is it complete?" -> run -> events.

`Console` separates "is it complete?" from "run it" (CPython's InteractiveConsole, DESIGN rule 8).
An entry's lines keep their numbers in the whole input (`first_line`), so diagnostics point at
the line the user typed or piped. An error resets the buffer, never the session; Ctrl-C during a
run puts the session back as it was before the entry (a snapshot of its globals and of the
tensors they hold).

* Piped mode (`run_piped`, stdin not a terminal) reads lines as they arrive and answers each
  expression statement at once, like `bc`. A line is complete at its end unless a bracket or a
  triple-quoted string is open, it ends in `\\`, or a block opened by a line ending in `:` is
  still going: a block ends at a blank line or at a line that is not indented (`else:`/`elif` continue it).
* The REPL (`repl_ui.py`, prompt_toolkit) edits a whole entry and asks `ready(text)` on Enter.
"""
from __future__ import annotations

import sys

from .autograd.tensor import Tensor
from .errors import GradcliError, LimitError
from .runner import Timeout, _Alarm, make_session

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


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t", "\f")


def _blank(line: str) -> bool:
    return not line.strip(" \t\f")


def _continues(line: str) -> bool:
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
    from .lang.parse import is_complete
    if is_complete(text):
        return True
    lines = text.split("\n")
    shape = Shape(lines)
    if shape.open:
        return False
    return not shape.block or (len(lines) > 1 and _blank(lines[-1]))


# ----- the engine -----

class InternalError(GradcliError):
    kind = "InternalError"


class Snapshot:
    """The session's state before an entry, to put back when Ctrl-C stops it."""

    def __init__(self, session):
        self.globals = dict(session.globals)
        self.tensors = [(t, t.data, t.grad, t.requires_grad)
                        for t in self.globals.values() if isinstance(t, Tensor)]
        self.marked = dict(session.marked)
        self.output = session.output

    def restore(self, session):
        session.globals.clear()
        session.globals.update(self.globals)
        for t, data, grad, requires_grad in self.tensors:   # backward and `-=` change these
            t.data, t.grad, t.requires_grad = data, grad, requires_grad
        session.marked.clear()
        session.marked.update(self.marked)
        session.output = self.output


class Console:
    """Feeds input to a Session. Calls `on_value(value, grads, text)` per expression statement
    (with d value / d NAME for each --wrt NAME bound so far) and `on_error(err, source)`."""

    def __init__(self, session, filename="<stdin>", on_value=None, on_error=None, timeout=None,
                 piped=False):
        self.session = session
        self.piped = piped
        self.filename = filename
        self.on_value = on_value
        self.on_error = on_error
        self.timeout = timeout
        self.lines: list[str] = []      # every line of the input so far (line n is lines[n-1])
        self.buffer: list[str] = []     # the lines of the entry being collected
        self.shape = Shape()
        self.first_line = 1
        self.failed = False
        self._entry = ""
        session.echo = self._echo

    # ----- piped input: one line at a time -----
    def push(self, line: str) -> bool:
        """Add one line; run what is complete. Returns True while more input is needed."""
        line = line.rstrip("\n").rstrip("\r")
        self.lines.append(line)
        lineno = len(self.lines)
        if not _blank(line) and not scan_line(line, 0)[1].strip() and not self.shape.open:
            if self.buffer:                 # a comment line neither ends a block nor starts one
                self.buffer.append(line)
            return bool(self.buffer)
        if self.buffer and self.shape.block and not self.shape.open:
            if _blank(line):
                self._run_buffer()
                return False
            if not _indented(line) and not _continues(line):
                self._run_buffer()      # a dedent ends the block; this line starts anew
        if not self.buffer:
            if _blank(line):
                return False
            self.first_line = lineno
            self.shape = Shape()
        self.buffer.append(line)
        self.shape.add(line)
        if self.shape.open or self.shape.block:
            return True
        self._run_buffer()
        return False

    def flush(self):
        """End of input: run whatever is buffered."""
        if self.buffer:
            self._run_buffer()

    def _run_buffer(self):
        source = "\n".join(self.buffer) + "\n"
        self.buffer = []
        self.shape = Shape()
        self.run(source, self.first_line)

    # ----- REPL input: a whole entry -----
    def run_text(self, text: str) -> bool:
        """Run a complete entry (several lines at once). Returns False if it failed."""
        lines = text.split("\n")
        while lines and _blank(lines[-1]):
            lines.pop()
        if not lines:
            return True
        first = len(self.lines) + 1
        self.lines.extend(lines)
        return self.run("\n".join(lines) + "\n", first)

    def run_file(self, source: str, filename: str) -> bool:
        """`:load FILE`: run a whole script into the session, without echoing its expressions."""
        self.session.sources[filename] = source
        self.session.echo = None
        try:
            return self.run(source, 1, filename)
        finally:
            self.session.echo = self._echo

    # ----- running -----
    def run(self, source: str, first_line: int = 1, filename: str | None = None) -> bool:
        """Run `source` (lines `first_line`… of the input). Errors go to `on_error`; Ctrl-C puts
        the session back as it was and re-raises KeyboardInterrupt."""
        s = self.session
        self._entry = source
        snapshot = Snapshot(s)
        try:
            with _Alarm(self.timeout):
                s.run_entry(source, filename or self.filename, first_line)
            return True
        except Timeout:
            return self._error(LimitError(f"the statement took longer than --timeout "
                                          f"{self.timeout:g} s"), source)
        except GradcliError as err:
            return self._error(err, source)
        except KeyboardInterrupt:
            snapshot.restore(s)
            raise
        except (RecursionError, MemoryError) as exc:
            from .lang.runtime import memory_limit_error
            return self._error(memory_limit_error(s.options.max_memory) if isinstance(exc, MemoryError)
                               else LimitError("the program nests too deeply; raise --max-depth N "
                                               "or simplify it"), source)
        except BrokenPipeError:
            raise
        except Exception as exc:  # noqa: BLE001 — a bug of ours must not end the session
            import os
            if os.environ.get("GRADCLI_DEBUG"):
                raise
            return self._error(InternalError(f"{type(exc).__name__}: {exc} (a bug in gradcli; "
                                             "GRADCLI_DEBUG=1 shows where)"), source)
        finally:
            s.printed.clear()           # a long session must not keep every printed line

    def sync_sources(self):
        """Give the session the whole input as the source of `filename` (for source snippets).
        Done when one is needed, not per entry: a long piped input would cost O(n²)."""
        self.session.sources[self.filename] = "\n".join(self.lines)

    def _error(self, err, source) -> bool:
        self.failed = True
        if self.piped:
            _explain_entries(err, source)
        self.sync_sources()
        if self.on_error:
            self.on_error(err, source)
        return False

    # ----- --wrt -----
    def set_wrt(self, names) -> list[str]:
        """`:wrt NAME…` (Session.set_wrt). Returns the names marked now."""
        return self.session.set_wrt(names)

    def gradients(self, value) -> dict:
        """d value / d NAME for each --wrt NAME bound to a tensor so far (Jacobians for
        non-scalar values, zeros where the value does not depend on NAME)."""
        s = self.session
        if not isinstance(value, Tensor) or value.data.dtype.kind == "b" or not s.marked:
            return {}
        import gradcli.autograd as ag
        grads = {}
        for name in s.options.wrt:
            x = s.marked.get(name)
            if x is not None:
                scalar = value.data.size == 1 and value.data.ndim == 0
                grads[name] = ag.grad(value, x) if scalar else ag.jacobian(value, x)
        return grads

    # ----- results -----
    def _echo(self, value, span):
        if self.on_value is None:
            return
        try:
            grads = self.gradients(value)
        except GradcliError as err:
            raise err.at(span)
        self.on_value(value, grads, self.input_text(span))

    def input_text(self, span) -> str:
        """The source text of `span` (an expression statement), from the whole input."""
        if span is None or span.file != self.filename or not 1 <= span.line <= len(self.lines):
            return self._entry.strip()
        end_line = min(span.end_line or span.line, len(self.lines))
        text = "\n".join(self.lines[span.line - 1:end_line])
        start = span.column - 1
        end = len(text) - len(self.lines[end_line - 1]) + (span.end_column - 1 if span.end_column
                                                             else len(self.lines[end_line - 1]))
        return _balanced(text, max(0, start), max(start, end)).strip()


PIPED_ENTRIES = ("piped mode reads its input entry by entry, as the REPL does: a blank line "
                 "ends a block, and a one-line `if c: …` ends with its line, so an `else:` on the "
                 "next line starts a new entry. To run the input as one script: gradcli run -")


def _explain_entries(err, source):
    """A syntax error at the start of a piped entry that begins indented or with `else`/`elif`:
    a file cut into entries where a script would not be (issue 15) — say so, and what to run."""
    from .errors import GSyntaxError
    first = source.split("\n", 1)[0]
    if isinstance(err, GSyntaxError) and err.hint is None and (_indented(first) or _continues(first)):
        err.hint = PIPED_ENTRIES


def _balanced(text: str, start: int, end: int) -> str:
    """text[start:end], widened over brackets it leaves unmatched: the span of a parenthesized
    expression may leave out its own parentheses (`(x + 1) * 2`)."""
    while True:
        depth, low = 0, 0
        for c in text[start:end]:          # strings rarely hold brackets; good enough for a label
            depth += (c in "([") - (c in ")]")
            low = min(low, depth)
        if low < 0 and start > 0 and text[:start].rstrip()[-1:] in ("(", "["):
            start = len(text[:start].rstrip()) - 1
        elif depth - low > 0 and text[end:].lstrip()[:1] in (")", "]"):
            end = len(text) - len(text[end:].lstrip()) + 1
        else:
            return text[start:end]


def load_report(path, before: dict, after: dict) -> str:
    """`:load FILE`'s line: the names the file bound anew, and those it bound again over the
    session's own (which a user would otherwise lose without a word)."""
    def names(ks):
        return ", ".join(ks[:12]) + (" …" if len(ks) > 12 else "")
    new = [k for k in after if k not in before]
    replaced = [k for k in after if k in before and after[k] is not before[k]]
    parts = ([names(new)] if new else []) + ([f"replaced {names(replaced)}"] if replaced else [])
    return f"loaded {path}" + (": " + "; ".join(parts) if parts else "")


# ----- piped mode -----

def one_line(text: str) -> str:
    """A multi-line repr on one line (`tensor([[1., 2.], [3., 4.]])`), for `bc`-style output."""
    if "\n" not in text:
        return text
    return " ".join(part.strip() for part in text.split("\n") if part.strip())


def run_piped(opts, stdin=None, stdout=None, stderr=None) -> int:
    """stdin is not a terminal: run statements as they arrive, one result line per expression
    statement. Returns the exit status (1 if any statement failed)."""
    from .render.values import to_text
    from .render.diagnostics import format_error
    from .render.jsondoc import dumps, error_object, to_json_value
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    as_json = bool(opts.get("as_json"))
    color = not as_json and _stderr_color(stderr)

    def out_line(text):
        stdout.write(text + "\n")
        stdout.flush()

    def on_print(text):
        if as_json:     # one object per line printed, as `run --json` gives one string per line
            for line in text.split("\n"):
                out_line(dumps({"ok": True, "input": console._entry.strip(), "printed": line}))
        else:
            out_line(text)

    def on_value(value, grads, text):
        models = formula.for_value(value, grads) if formula is not None else None
        free = formula is not None and formula.depends_on_free(value)
        if as_json:
            doc = {"ok": True, "input": text, "value": None if free else json_value(value, to_json_value)}
            if opts.get("wrt"):
                doc["gradients"] = {k: None if free else to_json_value(g.data) for k, g in grads.items()}
            if models is not None:
                from .render.formula import json_formulas
                doc["formula"] = json_formulas(models)
            out_line(dumps(doc))
            return
        fields = [] if free else [one_line(to_text(value))] + [f"d/d{k} = {one_line(to_text(g))}"
                                                             for k, g in grads.items()]
        if models is not None:
            from .render.formula import text_lines
            fields += [line for line in text_lines(models, None, formula.latex) if not line.startswith("  ")]
        out_line("\t".join(fields))

    def on_error(err, source):
        if as_json:
            out_line(dumps({"ok": False, "input": source.strip(), "error": error_object(err)}))
        else:
            stdout.flush()
            stderr.write(format_error(err, session.sources, color=color) + "\n")
            stderr.flush()

    session = make_session(opts, out=on_print)
    formula = None
    if opts.get("formula") or opts.get("latex"):
        from .insight.formula import FormulaRun
        formula = FormulaRun(session, opts)
    console = Console(session, "<stdin>", on_value, on_error, timeout=opts.get("timeout"), piped=True)
    session.graph_hook = graph_hook(console)
    try:
        session.apply_sets(opts.get("sets"))
    except GradcliError as err:
        console._error(err, "")
    while True:
        raw = stdin.readline()
        if not raw:
            break
        console.push(raw.decode("utf-8", errors="surrogateescape") if isinstance(raw, bytes) else raw)
    console.flush()
    if formula is not None:
        formula.stop()
    return 1 if console.failed else 0


def json_value(value, to_json_value):
    """A value in a JSON line: tensors as nested lists, bools/strings/None as themselves,
    anything else (a function, a tuple …) as its text."""
    if isinstance(value, Tensor):
        return to_json_value(value.data)
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, Tensor) for v in value):
        return [to_json_value(v.data) for v in value]
    from .render.values import to_text
    return to_text(value)


def graph_hook(console, show=None):
    """The `graph(t)` built-in for a console's session, from `gradcli.insight.graph`: printed
    through the session (or drawn by `show(renderable)`, the REPL's rich console)."""
    def hook(t):
        console.sync_sources()
        try:
            from .insight import graph as g
        except ImportError:
            console.session._print("graph(): the graph view is not available in this build")
            return
        if show is not None:
            show(g.graph_renderable(t, console.session, title="graph"))
        else:
            g.graph_hook(console.session)(t)
    return hook


def _stderr_color(stream) -> bool:
    import os
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"


def main_interactive(opts, interactive: bool) -> int:
    """`gradcli` with no command: the REPL on a terminal, piped mode otherwise."""
    if not interactive or opts.get("as_json"):
        try:
            return run_piped(opts)
        except KeyboardInterrupt:
            from .render.diagnostics import format_interrupt
            sys.stdout.flush()
            print(format_interrupt(), file=sys.stderr)
            return 130
    from .repl_ui import run_repl
    return run_repl(opts)


__all__ = ["Console", "Shape", "Snapshot", "ready", "run_piped", "main_interactive", "one_line",
           "graph_hook", "load_report"]
