"""One pipeline for every front end: `gradcli run`, piped mode, the REPL and notebooks.

Each makes its Session with `make_session` (the options, and callbacks for what the script
prints and for `graph(t)`), runs G code under `guard()` — the one place where an exception
becomes a G error, so that no Python traceback reaches a user — and takes the gradients from the
Session. `evaluate` is the pipeline of one run (--set, the program, its output, the gradients,
the insight sections, the formulas); `run_script` is `gradcli run`: one script in a fresh
Session, then its report as text or JSON, and the exit status.
"""
from __future__ import annotations

import os
import _signal as signal    # signal.py only wraps these numbers in enums: 0.6% of a cold start
import sys
from contextlib import contextmanager

from . import limits
from .autograd import functions as fn
from .autograd.tensor import Tensor
from .errors import ExitStatus, GradcliError, InternalError, LimitError, Span
from .lang.runtime import Options, Session, memory_limit_error
from .render import console
from .render.values import text_report


# ----- the session -----

def make_session(opts, out=None, explain=False, on_graph=None) -> Session:
    """A Session for `opts` (the command line's options, as click makes them). `out` is called
    with each text the script prints; `on_graph(session, t)` shows `graph(t)` (default: its
    tree as plain text, printed like print() prints)."""
    options = Options(wrt=tuple(opts.get("wrt") or ()), of=opts.get("of"),
                      max_depth=opts.get("max_depth") or 1000,
                      max_nesting=opts.get("max_nesting") or 200,
                      max_memory=opts.get("max_memory") or (4 << 30), explain=explain)
    session = Session(options, out=out, on_graph=on_graph or print_graph)
    limits.apply_memory_limit(options.max_memory)
    if opts.get("seed") is not None:
        fn.seed(opts["seed"])
    return session


def print_graph(session, t):
    """`graph(t)`: t's graph as a plain-text tree, printed through the session (so that --json's
    `printed` has it too)."""
    # Here, for start-up time: a run that never calls graph() imports neither insight nor rich.
    from .insight.graph import graph_model
    from .render.graph import call_title, graph_text
    name = t.grad_fn.name if t.grad_fn is not None else session.name_of(t)
    session.print_text(graph_text(graph_model(t, session, title=call_title(name))))


class Snapshot:
    """The session's state before an entry (or a notebook cell), to put back when Ctrl-C stops it."""

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


# ----- --timeout, and the one mapping of exceptions to G errors -----

class Timeout(Exception):
    def __init__(self, span=None):
        super().__init__()
        self.span = span


def _running_span(frame):
    """The span of the innermost compiled statement or expression running in `frame`'s stack
    (its closure holds `span`), for a --timeout that strikes in the middle of a loop."""
    while frame is not None:
        if "span" in frame.f_code.co_freevars:
            span = frame.f_locals.get("span")
            if isinstance(span, Span):
                return span
        frame = frame.f_back
    return None


class Alarm:
    """--timeout: SIGALRM raises Timeout in the running script (`guard()` makes it a LimitError)."""

    def __init__(self, seconds):
        self.seconds = seconds

    def __enter__(self):
        if self.seconds and hasattr(signal, "setitimer"):
            def on_alarm(signum, frame):
                raise Timeout(_running_span(frame))
            self.prev = signal.signal(signal.SIGALRM, on_alarm)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)
        return self

    def __exit__(self, *exc):
        if self.seconds and hasattr(signal, "setitimer"):
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.prev)
        return False


@contextmanager
def guard(timeout=None, entry=False):
    """Every failure inside as a GradcliError — a timeout, the memory or recursion limit, a bug
    of ours — so that no Python traceback reaches a user. GradcliError, KeyboardInterrupt and
    BrokenPipeError pass as they are. `timeout`: the --timeout that a Timeout means; `entry`:
    one entry of the REPL or piped mode (a statement, not the run)."""
    try:
        yield
    except (GradcliError, KeyboardInterrupt, BrokenPipeError):
        raise
    except Timeout as exc:
        if entry:
            raise LimitError(f"the statement took longer than --timeout {timeout:g} s") from None
        raise LimitError(f"the run took longer than --timeout {timeout:g} s", exc.span) from None
    except Exception as exc:  # noqa: BLE001 — a bug of ours too: a clean report, never a traceback
        err = g_error(exc)
        if err is None:
            raise
        raise err from None


_COMPILING = (Session.run.__code__, Session.run_entry.__code__)
_EXECUTING = Session._execute.__code__


def _stage(exc):
    """What the innermost Session in exc's traceback was doing — "compile", "execute" or None —
    and that Session (a --check re-run is a Session inside the run's)."""
    stage = session = None
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code is _EXECUTING or code in _COMPILING:
            stage = "execute" if code is _EXECUTING else "compile"
            session = tb.tb_frame.f_locals.get("self")
        tb = tb.tb_next
    return stage, session


def g_error(exc) -> GradcliError | None:
    """The G error for an exception that is not one (None: let it through, GRADCLI_DEBUG=1).
    A limit reached while a Session compiled or executed says which, and where it stopped."""
    stage, session = _stage(exc)
    if isinstance(exc, RecursionError):
        if stage == "compile":
            return LimitError("the program nests too deeply to compile; lower --max-nesting N")
        if stage == "execute":
            return LimitError("the program nests too deeply for the interpreter; raise the limit "
                              "with --max-depth N or simplify it")
        return LimitError("the program nests too deeply; raise --max-depth N or simplify it")
    if isinstance(exc, MemoryError):
        err = memory_limit_error(limits.max_bytes)
        return err.at(session.site) if stage == "execute" else err
    if (isinstance(exc, SystemError) and stage == "execute"
            and "without exception set" in str(exc)):
        # CPython 3.11 fails this way when it cannot map memory for more Python frames (one
        # mapping per 16 KiB of frames: vm.max_map_count is reached near a depth of 10**6)
        return LimitError("recursion too deep for this machine: the interpreter ran out of "
                          "memory for the call stack; lower --max-depth N")
    if os.environ.get("GRADCLI_DEBUG"):
        return None
    return InternalError(f"{type(exc).__name__}: {exc} (a bug in gradcli; GRADCLI_DEBUG=1 "
                         "shows where)")


# ----- one run: the pipeline of `gradcli run` and of a notebook cell -----

class Run:
    """What one run in a session gives: its program, output, gradients, insight sections and
    formulas (--formula; None without it)."""
    __slots__ = ("program", "output", "grads", "insight", "formula")

    def __init__(self, program, output, grads, insight, formula=None):
        self.program, self.output, self.grads, self.insight = program, output, grads, insight
        self.formula = formula


def evaluate(session, source: str, filename: str, opts: dict, out=None) -> Run:
    """The pipeline of one run, in `session` (fresh for `run`, long-lived in a notebook):
    --set, the program, its output, the gradients, then --graph/--dot/--explain/--check and
    --formula. Raises GradcliError; run it under `guard()` so that nothing else escapes."""
    formula = _formula_recorder(session, opts)
    with Alarm(opts.get("timeout")):
        try:
            session.apply_sets(opts.get("sets"))
            program = session.run(source, filename)
        finally:
            if formula is not None:
                formula.stop()
        output = session.result_output()
        grads = session.gradients(output)
        insight = _insight(session, output, grads, opts, out, source, filename)
        if formula is not None:
            formula.compute(output, grads)
    return Run(program, output, grads, insight, formula)


def run_script(source: str, filename: str, opts: dict) -> int:
    """`gradcli run`: the script in a fresh session, its report on stdout (text or --json), its
    error on stderr. Returns the exit status."""
    as_json = opts.get("as_json")
    out = console.Output(json_mode=as_json)
    if opts.get("check") and opts.get("seed") is None:
        # the run and --check's re-runs draw the same numbers
        from .insight import fresh_seed     # here, for start-up time: only when asked for
        opts = {**opts, "seed": fresh_seed()}
    session = make_session(opts, out=None if as_json else out.print_line,
                           explain=bool(opts.get("explain")))
    if _insight_wanted(opts):
        from . import insight               # here, for start-up time: only when asked for
        insight.prepare(session, opts)
    try:
        with guard(opts.get("timeout")):
            run = evaluate(session, source, filename, opts, out)
    except GradcliError as err:
        return _fail(out, session, err, as_json)
    except KeyboardInterrupt:
        from .render.diagnostics import format_interrupt   # here, for start-up time: rich
        out.flush()
        print(format_interrupt(), file=sys.stderr)
        return ExitStatus.INTERRUPTED
    output, grads, insight, formula = run.output, run.grads, run.insight, run.formula
    limits.lift_memory_limit()        # the run is over: reporting it is not accounted for
    if as_json:
        from .render.report import run_document     # here, for start-up time: json, --json only
        out.write(run_document(session, output, grads, insight.get("check"), formula,
                               {k: insight[k] for k in ("graph", "explain") if k in insight}))
    elif opts.get("wrt") or opts.get("of"):
        out.report(text_report(output, grads, formula))
    if "emit" in insight:
        insight["emit"]()
    out.flush()
    return ExitStatus.ERROR if insight.get("check_failed") else ExitStatus.OK


def _formula_recorder(session, opts):
    """--formula/--latex: the recorder of the run's path and free symbols (SymPy comes later)."""
    if not (opts.get("formula") or opts.get("latex")):
        return None
    from .insight.formula import FormulaRun     # here, for start-up time: --formula only
    return FormulaRun(session, opts)


def _insight_wanted(opts) -> bool:
    return bool(opts.get("show_graph") or opts.get("dot_file") or opts.get("explain") or opts.get("check"))


def _insight(session, output, grads, opts, out, source, filename) -> dict:
    """--graph, --dot, --explain, --check (issue: seeing the gradient). The sections are computed
    here, inside the error handling, and printed by `emit` after the report (sections.py)."""
    if not _insight_wanted(opts):
        return {}
    from . import sections                  # here, for start-up time: only when asked for
    return sections.compute(session, output, grads, opts, out, source=source, filename=filename)


def _fail(out, session, err, as_json) -> int:
    out.flush()
    limits.lift_memory_limit()         # reporting the error must not be stopped by the watchdog
    # Free the run's values (the error may be "out of memory"): the traceback holds the frames
    # that hold the last values computed.
    err.__traceback__ = err.__context__ = err.__cause__ = None
    session.release(collect=isinstance(err, LimitError))
    if as_json:
        from .render.report import error_document   # here, for start-up time: json, --json only
        out.write(error_document(err))
        out.flush()
    else:
        from .render.diagnostics import format_error   # here, for start-up time: rich
        print(format_error(err, session.sources, color=stderr_color(sys.stderr)), file=sys.stderr)
    return ExitStatus.ERROR


def stderr_color(stream) -> bool:
    """Colour diagnostics on `stream`: a terminal, and neither NO_COLOR nor TERM=dumb."""
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        return False
    return tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
