"""The insight sections of a run — --graph, --dot, --explain, --check (LANGUAGE.md §10) — composed:
each section's model from `insight/`, its lines from `render/`, in the order they print.

The pipeline (run.py) calls `compute` inside its `guard()` after a run that asked for any of them
(`insight.prepare` followed the run's bindings), and `emit` prints them after the report; a
notebook shows the same lines (`sections`). --dot writes its file here, as it is computed.
"""
from __future__ import annotations

from .errors import GValueError
from .insight import tracker_of
from .insight.graph import Names, dot_model, graph_model
from .render.graph import NO_OUTPUT_DOT, dot_text, graph_lines


def compute(session, output, grads, opts, out, source=None, filename=None) -> dict:
    """Compute the sections asked for. Returns {"emit": print them, "sections": [(kind, rich
    lines)] with kind "graph", "explain" or "check" (for notebooks), "check": {…}, "check_failed",
    "graph": [lines], "explain": [lines]}.

    With --json nothing is printed (the check, and the graph and explain sections as lines of
    text, go into the document); --dot always writes its file.
    """
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
        # here, for start-up time: --explain's modules (and rich) load only with --explain
        from .insight.explain import explanation
        from .render.explain import explain_lines
        local = None
        if opts.get("formula") or opts.get("latex"):
            from .insight.formula import local_derivatives   # here, for start-up time: --formula only
            local = local_derivatives(session, opts.get("formula_max_ops"))
        sections.append(("explain", explain_lines(explanation(session, output, names, local))))
        result["explain"] = [line.plain for line in sections[-1][1]]
    if opts.get("check"):
        # here, for start-up time: --check's modules (and rich) load only with --check
        from .insight.check import check
        from .render.check import check_lines
        tracker = tracker_of(session)
        if tracker is None or source is None:   # the markings must have been followed from the start
            raise RuntimeError("--check needs insight.prepare(session) before the run and the source")
        model, result["check"] = check(session, output, grads, opts, source, filename, tracker)
        result["check_failed"] = model.failed
        sections.append(("check", check_lines(model)))

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
    from .render.explain import wrapped     # here, for start-up time: rich (--dot alone needs none)
    return wrapped(text, indent=0)


def write_dot(path, text):
    """--dot FILE: the DOT text, or the picture for FILE.svg / FILE.png (Graphviz's `dot`)."""
    from .render import graphviz    # here, for start-up time: subprocess, for --dot only
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
