"""Where output goes: plain text when stdout is not a terminal (or NO_COLOR is set), rich colour
on a terminal. Results go to stdout; diagnostics go to stderr (`run._fail`)."""
from __future__ import annotations

import os
import sys


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Output:
    """stdout for one run: what the script prints, then the report (coloured on a terminal)."""

    def __init__(self, json_mode=False, stream=None):
        self.stream = stream or sys.stdout
        self.json_mode = json_mode
        self.color = not json_mode and use_color(self.stream)
        self._console = None

    @property
    def console(self):
        if self._console is None:      # rich is imported only when colour is wanted
            from rich.console import Console
            self._console = Console(file=self.stream, highlight=False, soft_wrap=True)
        return self._console

    def print_line(self, text: str):
        """A line the script printed (print()), shown as it happens."""
        self.stream.write(text + "\n")
        self.stream.flush()

    def write(self, text: str):
        self.stream.write(text + "\n")

    def report(self, lines):
        """The output and gradient lines after a run (`name = value`)."""
        if not self.color:
            for line in lines:
                self.stream.write(line + "\n")
            return
        from rich.text import Text          # here, for start-up time: colour only
        for line in lines:
            head, sep, rest = line.partition(" = ")
            t = Text()
            t.append(head, style="bold cyan" if head.startswith("d") else "bold green")
            t.append(sep + rest)
            self.console.print(t)

    def rich(self, renderable):
        """A rich renderable (a tree, a table) — plain text when not on a terminal."""
        if self.color:
            self.console.print(renderable)
        else:
            from rich.console import Console    # here, for start-up time: rich on demand
            Console(file=self.stream, color_system=None, highlight=False, width=100,
                    soft_wrap=False).print(renderable)

    def flush(self):
        try:
            self.stream.flush()
        except (BrokenPipeError, ValueError):
            pass
