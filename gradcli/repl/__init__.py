"""The REPL and piped mode: one console over the pipeline (run.py).

Modules import one way: `console` (runs entries; piped mode) imports `input` (is the entry
complete?); `edit` (completion, key bindings, history) imports `input`; `ui` (prompt_toolkit
and rich) imports all three; `main_interactive` below picks piped mode or `ui`.
"""
import sys

from ..errors import ExitStatus
from ..render.piped import one_line
from .console import Console, load_report, run_piped
from .input import Shape, ready


def main_interactive(opts, interactive: bool) -> int:
    """`gradcli` with no command: the REPL on a terminal, piped mode otherwise."""
    if not interactive or opts.get("as_json"):
        try:
            return run_piped(opts)
        except KeyboardInterrupt:
            from ..render.diagnostics import format_interrupt   # here, for start-up time: rich
            sys.stdout.flush()
            print(format_interrupt(), file=sys.stderr)
            return ExitStatus.INTERRUPTED
    from .ui import run_repl        # here, for start-up time: piped mode needs no prompt_toolkit
    return run_repl(opts)


__all__ = ["Console", "Shape", "ready", "run_piped", "main_interactive", "one_line", "load_report"]
