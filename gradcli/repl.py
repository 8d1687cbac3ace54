"""The REPL and piped mode: one engine, `push(line)` -> complete? -> run -> events.

`Console.push` separates "is it complete?" from "run it" (CPython's InteractiveConsole): input is
incomplete while brackets are open, a block opened by `:` has not been closed by a blank line or
a dedent, or the parser ran out of input. An error resets the buffer, never the session.
The REPL (prompt_toolkit on a terminal) and piped mode (stdin not a terminal, like `bc`) differ
only in how they read lines and render results.
"""
from __future__ import annotations

import os
import sys

from .errors import GradcliError
from .runner import apply_sets, make_session

_CONTINUES = ("else", "elif")


def _indented(line: str) -> bool:
    return line[:1] in (" ", "\t")


class Console:
    """Feeds lines to a Session; calls `on_error(err)` and, per expression, `on_value(...)`."""

    def __init__(self, session, filename="<stdin>", on_value=None, on_error=None):
        self.session = session
        self.filename = filename
        self.buffer: list[str] = []
        self.first_line = 1          # line number (in the whole input) of the buffer's first line
        self.next_line = 1
        self.on_value = on_value
        self.on_error = on_error
        self.failed = False
        self.all_lines: list[str] = []
        session.echo = self._echo
        self._entry_source = ""

    # ----- input -----
    def push(self, line: str) -> bool:
        """Add one line; run what is complete. Returns True when more input is needed."""
        from .lang.parser import is_complete
        line = line.rstrip("\r\n")
        lineno = self.next_line
        self.next_line += 1
        self.all_lines.append(line)
        if self.buffer and self._block_open():
            if line.strip() == "":
                return self._run_buffer()
            if not _indented(line) and not line.lstrip().startswith(_CONTINUES) \
                    and not self._brackets_open():
                self._run_buffer()
                return self.push_again(line, lineno)
        if not self.buffer:
            if line.strip() == "":
                return False
            self.first_line = lineno
        self.buffer.append(line)
        source = "\n".join(self.buffer)
        if self._block_open() or not is_complete(source):
            return True
        return self._run_buffer()

    def push_again(self, line, lineno):
        self.first_line = lineno
        self.buffer.append(line)
        from .lang.parser import is_complete
        source = "\n".join(self.buffer)
        if self._block_open() or not is_complete(source):
            return True
        return self._run_buffer()

    def _block_open(self) -> bool:
        """The buffer holds a block opened by a line ending in ':' (closed by a blank line)."""
        for line in self.buffer:
            code = line.split("#", 1)[0].rstrip()
            if code.endswith(":"):
                return True
        return False

    def _brackets_open(self) -> bool:
        from .lang.parser import is_complete
        source = "\n".join(self.buffer)
        return not is_complete(source) and not self._block_open_text(source)

    @staticmethod
    def _block_open_text(source):
        return any(l.split("#", 1)[0].rstrip().endswith(":") for l in source.split("\n"))

    def flush(self):
        """End of input: run whatever is buffered."""
        if self.buffer:
            self._run_buffer()

    def reset_buffer(self):
        self.buffer = []

    def _run_buffer(self) -> bool:
        source = "\n".join(self.buffer) + "\n"
        self.buffer = []
        self.run_source(source, self.first_line)
        return False

    def run_source(self, source, first_line=1):
        s = self.session
        # Sources are kept whole so diagnostics can quote any line of the input.
        s.sources[self.filename] = "\n".join(self.all_lines)
        self._entry_source = source
        snapshot = dict(s.globals)
        try:
            s.run_entry(source, self.filename, first_line)
        except GradcliError as err:
            self.failed = True
            if self.on_error:
                self.on_error(err, source)
        except KeyboardInterrupt:
            s.globals.clear()
            s.globals.update(snapshot)   # the state as it was before this entry
            raise

    # ----- results -----
    def _echo(self, value, span):
        if self.on_value is None:
            return
        grads = {}
        from .autograd.tensor import Tensor
        if isinstance(value, Tensor) and value.data.dtype.kind != "b" and self.session.wrt:
            for name in self.session.options.wrt:
                if name in self.session.marked:
                    import gradcli.autograd as ag
                    x = self.session.marked[name]
                    grads[name] = ag.jacobian(value, x) if value.data.ndim else ag.grad(value, x)
        self.on_value(value, grads, self._input_text(span))

    def _input_text(self, span):
        if span is None:
            return self._entry_source.strip()
        lines = self.all_lines
        try:
            if span.end_line is None or span.end_line == span.line:
                line = lines[span.line - 1]
                return line[span.column - 1:(span.end_column - 1) if span.end_column else None]
            first = lines[span.line - 1][span.column - 1:]
            middle = lines[span.line:span.end_line - 1]
            last = lines[span.end_line - 1][:(span.end_column - 1) if span.end_column else None]
            return "\n".join([first, *middle, last])
        except IndexError:
            return self._entry_source.strip()


# ----- piped mode -----

def run_piped(opts, stdin=None, stdout=None, stderr=None) -> int:
    """stdin is not a terminal: run statements as they arrive, one result line per expression."""
    from .render.diagnostics import format_error
    from .render.jsondoc import dumps, error_object, to_json_value
    from .lang.values import to_text
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout
    stderr = stderr or sys.stderr
    as_json = opts.get("as_json")

    def out_line(text):
        stdout.write(text + "\n")
        stdout.flush()

    session = make_session(opts, out=None if as_json else out_line)

    def on_value(value, grads, text):
        if as_json:
            doc = {"ok": True, "input": text, "value": _json_value(value, to_json_value)}
            if opts.get("wrt"):
                doc["gradients"] = {k: to_json_value(g.data) for k, g in grads.items()}
            out_line(dumps(doc))
            return
        line = to_text(value)
        for k, g in grads.items():
            line += f"\td/d{k} = {to_text(g)}"
        out_line(line)

    def on_error(err, source):
        if as_json:
            out_line(dumps({"ok": False, "input": source.strip(), "error": error_object(err)}))
        else:
            stdout.flush()
            stderr.write(format_error(err, session.sources) + "\n")
            stderr.flush()

    console = Console(session, "<stdin>", on_value, on_error)
    try:
        apply_sets(session, opts.get("sets"))
    except GradcliError as err:
        on_error(err, "")
        return 1
    while True:
        raw = stdin.readline()
        if not raw:
            break
        line = raw.decode("utf-8", errors="replace") if isinstance(raw, bytes) else raw
        console.push(line)
    console.flush()
    return 1 if console.failed else 0


def _json_value(value, to_json_value):
    from .autograd.tensor import Tensor
    if isinstance(value, Tensor):
        return to_json_value(value.data)
    if isinstance(value, (bool, str)) or value is None:
        return value
    from .lang.values import to_text
    return to_text(value)


def main_interactive(opts, interactive: bool) -> int:
    """`gradcli` with no command: the REPL on a terminal, piped mode otherwise."""
    if not interactive:
        try:
            return run_piped(opts)
        except KeyboardInterrupt:
            from .render.diagnostics import format_interrupt
            print(format_interrupt(), file=sys.stderr)
            return 130
    from .repl_ui import run_repl
    return run_repl(opts)


__all__ = ["Console", "run_piped", "main_interactive", "os"]
