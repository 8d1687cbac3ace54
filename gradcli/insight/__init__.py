"""Seeing the gradient (LANGUAGE.md §10): the models behind --graph, --dot, --explain, --check,
`graph(t)` and the REPL's `:graph NAME` — no text: `render/` draws them.

`prepare` runs before a run that asked for any of them (it follows the run's top-level bindings:
leaf names, --wrt markings). Each section's model comes from its module: `graph.graph_model` /
`graph.dot_model` (`graph.repl_graph` for `:graph NAME`), `explain.explanation`, `check.check`;
the pipeline's `sections.py` composes them with their text after the run.
"""
from __future__ import annotations

from .graph import attach, tracker_of  # noqa: F401


def fresh_seed() -> int:
    """A seed for a --check run without --seed: the program and its re-runs must draw the same
    random numbers, so the pipeline (run.py) seeds them all with this one."""
    import secrets          # here, for start-up time: hashlib, for --check without --seed only
    return secrets.randbits(31)


def prepare(session, opts):
    """Before the run: follow its bindings (names of leaves, --wrt markings for --check)."""
    attach(session, names=True)
