"""Errors a G script can cause, each with a kind, a message, a source span and a hint.

Every error that reaches the user is one of these; `render/diagnostics.py` renders them and
`cli.py` maps them to exit statuses. The autograd engine raises them too (ShapeError, GradError …)
with no span; the language runtime attaches the span of the expression that failed.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Span:
    """A region of source text. Lines and columns are 1-based, columns counted in characters."""

    file: str
    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None


class GradcliError(Exception):
    """Base of every error a script can cause. `kind` is what the user sees (`ShapeError: …`)."""

    kind = "Error"

    def __init__(self, message: str, span: Span | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.span = span
        self.hint = hint
        # Call stack for errors inside user functions: the spans of the calls that led here,
        # outermost first (the error's own span is the innermost place).
        self.trace: list[Span] = []

    def at(self, span: Span | None) -> "GradcliError":
        """Attach a span if the error has none yet; return self (for `raise err.at(span)`)."""
        if self.span is None and span is not None:
            self.span = span
        return self

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


class GSyntaxError(GradcliError):
    kind = "SyntaxError"


class GNameError(GradcliError):
    kind = "NameError"


class GTypeError(GradcliError):
    kind = "TypeError"


class ShapeError(GradcliError):
    kind = "ShapeError"


class GIndexError(GradcliError):
    kind = "IndexError"


class GValueError(GradcliError):
    kind = "ValueError"


class GradError(GradcliError):
    kind = "GradError"


class LimitError(GradcliError):
    kind = "LimitError"


class Interrupted(Exception):
    """Raised when the user presses Ctrl-C during a run (exit status 130)."""
