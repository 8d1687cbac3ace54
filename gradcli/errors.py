"""Errors a G script can cause, each with a kind, a message, a source span and a hint.

Every error that reaches the user is one of these; `render/diagnostics.py` renders them and
`cli.py` maps them to exit statuses. The autograd engine raises them too (ShapeError, GradError …)
with no span; the language runtime attaches the span of the expression that failed. And no
Python or NumPy warning ever reaches the user either: `quiet()`, at the end.
"""
from __future__ import annotations

import contextlib
import sys
import warnings


class Span:
    """A region of source text. Lines and columns are 1-based, columns counted in characters,
    the end exclusive. Immutable and hashable (spans key dictionaries of loops and branches).
    A plain class, not a dataclass: it is created on every cold start's import path."""

    __slots__ = ("file", "line", "column", "end_line", "end_column")

    def __init__(self, file: str, line: int, column: int, end_line: int | None = None,
                 end_column: int | None = None):
        # The slots' own setters (made below), not object.__setattr__: the parser makes a span
        # for every node, and this way costs a third of the time.
        _set_file(self, file)
        _set_line(self, line)
        _set_column(self, column)
        _set_end_line(self, end_line)
        _set_end_column(self, end_column)

    def __setattr__(self, name, value):
        raise AttributeError("a Span is immutable")

    def _key(self):
        return (self.file, self.line, self.column, self.end_line, self.end_column)

    def __eq__(self, other):
        return type(other) is Span and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __repr__(self):
        return "Span({!r}, {}, {}, {}, {})".format(*self._key())


_set_file, _set_line, _set_column, _set_end_line, _set_end_column = (
    Span.__dict__[name].__set__ for name in Span.__slots__)


def site_text(span) -> str:
    """Where a span is, as --graph, --explain and `graph(t)` name the place of an op: `line 4:5`
    (line:column), `--set NAME:column` for an op of a --set expression, `In[3] line 4:5` for an
    op of a notebook cell (a notebook's cells share a graph: it says which cell)."""
    if span is None:
        return "an unknown place"
    f = span.file or ""
    if f.startswith("<--set "):
        return f"--set {f[7:-1]}:{span.column}"
    if f.startswith("In["):
        return f"{f} line {span.line}:{span.column}"
    return f"line {span.line}:{span.column}"


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


class InternalError(GradcliError):
    """A bug of gradcli's, reported like a script's error (never a Python traceback)."""
    kind = "InternalError"


class ExitStatus:
    """The exit statuses of `gradcli` (LANGUAGE.md §10), in one table like httpie's ExitStatus.
    Defined here, at the bottom of the flow, so that the pipeline (run.py, the REPL) returns
    them without importing the command line; `cli.py` maps errors to them."""
    OK = 0
    ERROR = 1          # an error in the script, or a failed --check
    USAGE = 2          # a usage error of the command line (click's own code)
    INTERRUPTED = 130  # Ctrl-C


# ----- quiet() -----
# No Python or NumPy warning ever reaches a user (LANGUAGE.md §5, §11).
#
# Arithmetic is IEEE: `1/0` is inf, `log(0)` is -inf, `ones(0).mean()` is nan, and none of them
# warns. Rather than guard each numpy call that may warn — floating-point errors (divide, overflow,
# invalid, underflow) and the `warnings.warn` of reductions (`Mean of empty slice`, `Degrees of
# freedom <= 0`) — everything gradcli runs for a user goes through `quiet()`: the command line
# enters it for a whole command (a run and its report, piped mode, the REPL), and a Session for
# every program it runs, for `--set` and for the gradients (so a host such as a notebook is covered
# too, whatever its numpy error state). It holds even when the user's Python turns warnings into
# errors (`python -W error`, `PYTHONWARNINGS`).

@contextlib.contextmanager
def quiet():
    """Inside: no warning is shown or raised, and numpy's floating-point errors are ignored.

    numpy is not imported here (`gradcli --help` must not pay for it): when it is not loaded yet,
    the engine turns its floating-point errors off as it loads it (autograd/tensor.py)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np = sys.modules.get("numpy")
        if np is None:
            yield
            return
        with np.errstate(all="ignore"):
            yield
