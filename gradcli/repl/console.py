"""The REPL and piped mode share one console over the pipeline (run.py): lines in -> "is it
complete?" (input.py) -> run under `guard()` -> events.

`Console` separates "is it complete?" from "run it" (CPython's InteractiveConsole, DESIGN rule 8).
An entry's lines keep their numbers in the whole input (`first_line`), so diagnostics point at
the line the user typed or piped. An error resets the buffer, never the session; Ctrl-C during a
run puts the session back as it was before the entry (`run.Snapshot`).

* Piped mode (`run_piped`, stdin not a terminal) reads lines as they arrive and answers each
  expression statement at once, like `bc`. A line is complete at its end unless a bracket or a
  triple-quoted string is open, it ends in `\\`, or a block opened by a line ending in `:` is
  still going: a block ends at a blank line or at a line that is not indented (`else:`/`elif` continue it).
* The REPL (`ui.py`, prompt_toolkit) edits a whole entry and asks `input.ready(text)` on Enter.
"""
from __future__ import annotations

import sys

from ..autograd.tensor import Tensor
from ..errors import ExitStatus, GradcliError, GSyntaxError
from ..render.values import to_text
from ..render import piped
from ..render.jsondoc import to_json_value
from ..run import Alarm, Snapshot, guard, make_session, print_graph, stderr_color
from .input import Shape, blank, continues, indented, scan_line


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
        if not blank(line) and not scan_line(line, 0)[1].strip() and not self.shape.open:
            if self.buffer:                 # a comment line neither ends a block nor starts one
                self.buffer.append(line)
            return bool(self.buffer)
        if self.buffer and self.shape.block and not self.shape.open:
            if blank(line):
                self._run_buffer()
                return False
            if not indented(line) and not continues(line):
                self._run_buffer()      # a dedent ends the block; this line starts anew
        if not self.buffer:
            if blank(line):
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
        while lines and blank(lines[-1]):
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
            with guard(self.timeout, entry=True), Alarm(self.timeout):
                s.run_entry(source, filename or self.filename, first_line)
            return True
        except GradcliError as err:     # a bug of ours too (guard): it must not end the session
            return self._error(err, source)
        except KeyboardInterrupt:
            snapshot.restore(s)
            raise
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

    # ----- results -----
    def _echo(self, value, span):
        if self.on_value is None:
            return
        try:
            grads = self.session.value_gradients(value)
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
    first = source.split("\n", 1)[0]
    if isinstance(err, GSyntaxError) and err.hint is None and (indented(first) or continues(first)):
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

def run_piped(opts, stdin=None, stdout=None, stderr=None) -> int:
    """stdin is not a terminal: run statements as they arrive, one result line per expression
    statement. Returns the exit status (1 if any statement failed)."""
    from ..render.diagnostics import format_error     # here, for start-up time: rich
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    as_json = bool(opts.get("as_json"))
    color = not as_json and stderr_color(stderr)

    def out_line(text):
        stdout.write(text + "\n")
        stdout.flush()

    def on_print(text):
        if as_json:
            for line in text.split("\n"):
                out_line(piped.printed_document(console._entry.strip(), line))
        else:
            out_line(text)

    def on_value(value, grads, text):
        models = formula.for_value(value, grads) if formula is not None else None
        free = formula is not None and formula.depends_on_free(value)
        if as_json:
            grads_json = {k: None if free else to_json_value(g.data) for k, g in grads.items()}
            formula_json = None
            if models is not None:
                from ..render.formula import json_formulas   # here, for start-up time: --formula only
                formula_json = json_formulas(models)
            out_line(piped.value_document(text, None if free else json_value(value),
                                          grads_json if opts.get("wrt") else None, formula_json))
            return
        formula_lines = ()
        if models is not None:
            from ..render.formula import text_lines          # here, for start-up time: --formula only
            formula_lines = text_lines(models, None, formula.latex)
        out_line(piped.value_line(None if free else to_text(value),
                                  {k: to_text(g) for k, g in grads.items()}, formula_lines))

    def on_error(err, source):
        if as_json:
            out_line(piped.error_document(source.strip(), err))
        else:
            stdout.flush()
            stderr.write(format_error(err, session.sources, color=color) + "\n")
            stderr.flush()

    console = None
    session = make_session(opts, out=on_print, on_graph=lambda s, t: show_graph(console, t))
    formula = None
    if opts.get("formula") or opts.get("latex"):
        from ..insight.formula import FormulaRun        # here, for start-up time: --formula only
        formula = FormulaRun(session, opts)
    console = Console(session, "<stdin>", on_value, on_error, timeout=opts.get("timeout"), piped=True)
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
    return ExitStatus.ERROR if console.failed else ExitStatus.OK


def json_value(value):
    """A value in a JSON line: tensors as nested lists, bools/strings/None as themselves,
    anything else (a function, a tuple …) as its text."""
    if isinstance(value, Tensor):
        return to_json_value(value.data)
    if isinstance(value, (bool, str)) or value is None:
        return value
    if isinstance(value, (list, tuple)) and all(isinstance(v, Tensor) for v in value):
        return [to_json_value(v.data) for v in value]
    return to_text(value)


def show_graph(console, t, show=None):
    """`graph(t)` in a console's session (the whole input is its source): printed through the
    session as `run` prints it, or drawn by `show(renderable)` (the REPL's rich console)."""
    console.sync_sources()
    try:
        from ..insight import graph as g      # here, for start-up time: graph(t) only
    except ImportError:
        console.session.print_text("graph(): the graph view is not available in this build")
        return
    if show is None:
        print_graph(console.session, t)
    else:
        from ..render.graph import graph_renderable     # here, for start-up time: rich
        show(graph_renderable(g.graph_model(t, console.session, title="graph")))


__all__ = ["Console", "run_piped", "show_graph", "load_report"]
