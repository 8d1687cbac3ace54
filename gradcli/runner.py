"""`gradcli run`: one script in a fresh Session, then its report, as text or JSON.

Returns the exit status; every error of the script becomes a diagnostic (or an error document)
here, in one place, so no Python traceback reaches the user.
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager

from .errors import GradcliError, LimitError
from .lang.runtime import Options, Session


class Timeout(Exception):
    def __init__(self, span=None):
        super().__init__()
        self.span = span


def _running_span(frame):
    """The span of the innermost compiled statement or expression running in `frame`'s stack
    (its closure holds `span`), for a --timeout that strikes in the middle of a loop."""
    from .errors import Span
    while frame is not None:
        if "span" in frame.f_code.co_freevars:
            span = frame.f_locals.get("span")
            if isinstance(span, Span):
                return span
        frame = frame.f_back
    return None


def make_session(opts, out=None, explain=False) -> Session:
    options = Options(wrt=tuple(opts.get("wrt") or ()), of=opts.get("of"),
                      max_depth=opts.get("max_depth") or 1000,
                      max_nesting=opts.get("max_nesting") or 200,
                      max_memory=opts.get("max_memory") or (4 << 30), explain=explain)
    session = Session(options, out=out)
    from . import limits
    limits.apply_memory_limit(options.max_memory)
    session.graph_hook = _graph_hook(session)
    if opts.get("seed") is not None:
        from .autograd import functions as fn
        fn.seed(opts["seed"])
    return session


def _graph_hook(session):
    """The graph(t) built-in: print t's graph like print() does (insight imported on first use)."""
    def show(t):
        from .insight import graph_hook
        graph_hook(session)(t)
    return show


class _Alarm:
    """--timeout: SIGALRM raises in the running script, which becomes a LimitError."""

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
    with _Alarm(opts.get("timeout")):
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


class InternalError(GradcliError):
    kind = "InternalError"


@contextmanager
def guard(timeout=None):
    """Every failure of a run as a GradcliError — a timeout, the memory or recursion limit, a bug
    of ours — so no Python traceback reaches a user. KeyboardInterrupt and BrokenPipeError pass."""
    try:
        yield
    except Timeout as exc:
        raise LimitError(f"the run took longer than --timeout {timeout:g} s", exc.span) from None
    except (GradcliError, KeyboardInterrupt, BrokenPipeError):
        raise
    except (RecursionError, MemoryError) as exc:
        from . import limits
        limit = limits.max_bytes
        limits.lift_memory_limit()     # reporting the error must not be stopped by the watchdog
        from .lang.runtime import memory_limit_error
        raise (memory_limit_error(limit) if isinstance(exc, MemoryError) else
               LimitError("the program nests too deeply; raise --max-depth N or simplify it")) from None
    except Exception as exc:  # noqa: BLE001 — a bug of ours: still a clean report, never a traceback
        import os
        if os.environ.get("GRADCLI_DEBUG"):
            raise
        raise InternalError(f"{type(exc).__name__}: {exc} (a bug in gradcli; GRADCLI_DEBUG=1 "
                            "shows where)") from None


def run_script(source: str, filename: str, opts: dict) -> int:
    from .render import console
    as_json = opts.get("as_json")
    out = console.Output(json_mode=as_json)
    if opts.get("check") and opts.get("seed") is None:
        from .insight import fresh_seed     # the run and --check's re-runs draw the same numbers
        opts = {**opts, "seed": fresh_seed()}
    session = make_session(opts, out=None if as_json else out.print_line,
                           explain=bool(opts.get("explain")))
    if _insight_wanted(opts):
        from . import insight
        insight.prepare(session, opts)
    try:
        with guard(opts.get("timeout")):
            run = evaluate(session, source, filename, opts, out)
    except GradcliError as err:
        return _fail(out, session, err, as_json)
    except KeyboardInterrupt:
        from .render.diagnostics import format_interrupt
        out.flush()
        print(format_interrupt(), file=sys.stderr)
        return 130
    output, grads, insight, formula = run.output, run.grads, run.insight, run.formula
    from . import limits
    limits.lift_memory_limit()        # the run is over: reporting it is not accounted for
    if as_json:
        from .render.report import run_document
        out.write(run_document(session, output, grads, insight.get("check"), formula,
                               {k: insight[k] for k in ("graph", "explain") if k in insight}))
    elif opts.get("wrt") or opts.get("of"):
        from .render.report import text_report
        out.report(text_report(output, grads, formula))
    if "emit" in insight:
        insight["emit"]()
    out.flush()
    return 1 if insight.get("check_failed") else 0


def _formula_recorder(session, opts):
    """--formula/--latex: the recorder of the run's path and free symbols (SymPy comes later)."""
    if not (opts.get("formula") or opts.get("latex")):
        return None
    from .insight.formula import FormulaRun
    return FormulaRun(session, opts)


def _insight_wanted(opts) -> bool:
    return bool(opts.get("show_graph") or opts.get("dot_file") or opts.get("explain") or opts.get("check"))


def _insight(session, output, grads, opts, out, source, filename) -> dict:
    """--graph, --dot, --explain, --check (issue: seeing the gradient). The sections are computed
    here, inside the error handling, and printed by `emit` after the report."""
    if not _insight_wanted(opts):
        return {}
    from . import insight
    return insight.run_all(session, output, grads, opts, out, source=source, filename=filename)


def _fail(out, session, err, as_json) -> int:
    out.flush()
    from . import limits
    limits.lift_memory_limit()
    # Free the run's values (the error may be "out of memory"): the traceback holds the frames
    # that hold the last values computed.
    err.__traceback__ = err.__context__ = err.__cause__ = None
    session.release(collect=isinstance(err, LimitError))
    if as_json:
        from .render.report import error_document
        out.write(error_document(err))
        out.flush()
    else:
        from .render.diagnostics import format_error
        print(format_error(err, session.sources, color=_stderr_color()), file=sys.stderr)
    return 1


def _stderr_color() -> bool:
    import os
    return sys.stderr.isatty() and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb"
