"""Pictures of a graph: the DOT text of `render.graph.dot_text` as SVG or PNG, drawn by Graphviz.

`--dot FILE` writes DOT; `--dot FILE.svg` / `FILE.png` writes the picture (LANGUAGE.md §13), and
notebooks show `--graph` as SVG. Both run Graphviz's `dot` program directly, in a subprocess,
rather than through the `graphviz` Python package: that package too only writes DOT text and runs
this same program, and gradcli writes its DOT itself, so the package would be a dependency for
one subprocess call that still needs the program installed.
"""
from __future__ import annotations

import os
import shutil
import subprocess

PICTURES = {".svg": "svg", ".png": "png"}      # file suffix -> dot's -T format
TIMEOUT = 60                                    # seconds; a drawing is at most MAX_DOT_NODES nodes


class GraphvizError(Exception):
    """`dot` is missing or failed; the message says which, for a person."""


def picture_format(path) -> str | None:
    """"svg" or "png" when `path` asks for a picture (by its suffix, in any case), else None."""
    return PICTURES.get(os.path.splitext(str(path))[1].lower())


def dot_program() -> str | None:
    """The path of Graphviz's `dot`, or None when it is not installed (not on PATH)."""
    return shutil.which("dot")


def missing_dot(path) -> str:
    """The message for a picture asked for where Graphviz is not installed."""
    return (f"--dot {path}: drawing a picture needs Graphviz's `dot` program, which is not installed "
            "(or not on PATH); install Graphviz (apt-get install graphviz, brew install graphviz), "
            "or write the DOT text with --dot FILE.dot")


def render(dot_text: str, fmt: str) -> bytes:
    """Draw DOT text as `fmt` ("svg" or "png"). Raises GraphvizError."""
    program = dot_program()
    if program is None:
        raise GraphvizError("Graphviz's `dot` program is not installed (or not on PATH)")
    try:
        done = subprocess.run([program, f"-T{fmt}"], input=dot_text.encode("utf-8"),
                              capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz's `dot` took longer than {TIMEOUT} s") from None
    except OSError as exc:
        raise GraphvizError(f"cannot run Graphviz's `dot`: {exc.strerror or exc}") from None
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"Graphviz's `dot` failed: {why[-1] if why else f'exit status {done.returncode}'}")
    return done.stdout


def svg_text(dot_text: str) -> str:
    """The SVG element alone (no XML prologue or DOCTYPE), to put inside an HTML page."""
    svg = render(dot_text, "svg").decode("utf-8")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg
