"""Seeing the gradient (LANGUAGE.md §10): --graph, --dot, --explain, --check, and graph(t).

The pipeline (run.py) calls `prepare` before a run that asked for any of them (it follows the
run's top-level bindings: leaf names, --wrt markings) and `run_all` after it, which computes
every section inside the pipeline's `guard()` and returns them to print after the report
(`emit`). The graph is a model (`graph.graph_model`, `graph.repl_graph` for the REPL's `:graph
NAME`) that `render/graph.py` draws.
"""
from __future__ import annotations

from .graph import attach, tracker_of  # noqa: F401

def fresh_seed() -> int:
    """A seed for a --check run without --seed: the program and its re-runs must draw the same
    random numbers, so the pipeline (run.py) seeds them all with this one."""
    import secrets
    return secrets.randbits(31)


def prepare(session, opts):
    """Before the run: follow its bindings (names of leaves, --wrt markings for --check)."""
    attach(session, names=True)


def run_all(session, output, grads, opts, out, source=None, filename=None) -> dict:
    """Compute the sections asked for. Returns {"emit": print them, "sections": [(kind, rich
    lines)] with kind "graph", "explain" or "check" (for notebooks), "check": {…}, "check_failed",
    "graph": [lines], "explain": [lines]}.

    With --json nothing is printed (the check, and the graph and explain sections as lines of
    text, go into the document); --dot always writes its file.
    """
    # The sections' modules are imported here, for start-up time: only those asked for load.
    from ..render.graph import NO_OUTPUT_DOT, dot_text, graph_lines
    from .graph import Names, dot_model, graph_model
    sections = []
    result = {}
    names = Names(session, grads, output)
    if opts.get("show_graph"):
        if output is None:
            sections.append(("graph", [_note("Graph: there is no output to draw; end the script "
                                             "with an expression or an assignment, or name one "
                                             "with --of NAME")]))
        else:
            sections.append(("graph", graph_lines(graph_model(output.value, session, grads, output))))
        result["graph"] = [line.plain for line in sections[-1][1]]
    if opts.get("dot_file"):
        text = dot_text(dot_model(output.value, session, grads, output)) if output is not None \
            else NO_OUTPUT_DOT
        write_dot(opts["dot_file"], text)
    if opts.get("explain"):
        from .explain import explain
        local = None
        if opts.get("formula") or opts.get("latex"):
            from .formula import local_derivatives
            local = local_derivatives(session, opts.get("formula_max_ops"))
        sections.append(("explain", explain(session, output, names, local)))
        result["explain"] = [line.plain for line in sections[-1][1]]
    if opts.get("check"):
        from .check import run_check
        tracker = tracker_of(session)
        if tracker is None or source is None:   # the markings must have been followed from the start
            raise RuntimeError("--check needs insight.prepare(session) before the run and the source")
        check, failed, show = run_check(session, output, grads, opts, source, filename, tracker)
        result["check"] = check
        result["check_failed"] = failed
        sections.append(("check", show))

    def emit():
        if getattr(out, "json_mode", False):
            return
        for _, lines in sections:
            out.write("")
            if getattr(out, "color", False):
                for line in lines:
                    out.rich(line)
            else:                  # plain: exactly these lines, never re-wrapped at a width
                out.write("\n".join(line.plain for line in lines))
    result["emit"] = emit
    result["sections"] = sections
    return result


def _note(text):
    from .explain import _wrapped
    return _wrapped(text, indent=0)


def write_dot(path, text):
    """--dot FILE: the DOT text, or the picture for FILE.svg / FILE.png (Graphviz's `dot`)."""
    from ..errors import GValueError
    from ..render import graphviz
    fmt = graphviz.picture_format(path)
    if fmt is not None:
        try:
            data = graphviz.render(text, fmt)
        except graphviz.GraphvizError as exc:
            raise GValueError(f"--dot {path}: {exc}") from None
    else:
        data = text.encode("utf-8")
    try:
        with open(path, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise GValueError(f"--dot: cannot write {path}: {exc.strerror or exc}") from None
