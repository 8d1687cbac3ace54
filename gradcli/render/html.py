"""HTML and LaTeX for notebooks (LANGUAGE.md §13): values as PyTorch prints them, gradients in a
table, and rich text (a graph tree, `--explain`, `--check`, a diagnostic) in its colours.

Only formatting: the values come in already printed (`to_text`), the rich lines already built by
`render/` (the sections' text from `insight/`'s models, and `render/diagnostics.py`), so a notebook
shows exactly what the terminal shows.
"""
from __future__ import annotations

import html
import io

import numpy as np

_FONT = "font-family: var(--jp-code-font-family, Menlo, Consolas, 'DejaVu Sans Mono', monospace)"
_PRE = (f'<pre class="gradcli" style="{_FONT}; font-size: var(--jp-code-font-size, 13px); '
        'line-height: 1.35; margin: 0.2em 0; padding: 0; background: transparent; '
        'white-space: pre; overflow-x: auto">{code}</pre>')
_CELL = "padding: 0.25em 0.8em; vertical-align: top; text-align: left; border-bottom: 1px solid #ddd"
LATEX_MAX = 64          # elements: larger tensors have no LaTeX form (it would not read)


def pre(text: str) -> str:
    """Plain text, as a terminal shows it."""
    return _PRE.replace("{code}", html.escape(text))


# The terminal's 16 colours, darkened to read on a notebook's white page (rich's default theme
# draws bright cyan and yellow, which vanish on white).
_LIGHT = (
    (255, 255, 255), (0, 0, 0),
    [(0, 0, 0), (176, 0, 0), (0, 112, 0), (128, 96, 0), (0, 48, 192), (144, 0, 144), (0, 112, 128),
     (64, 64, 64)],
    [(85, 85, 85), (208, 0, 0), (0, 136, 0), (138, 109, 0), (0, 80, 224), (160, 0, 160), (0, 128, 143),
     (32, 32, 32)],
)


def rich_lines(lines) -> str:
    """rich Text lines in their colours (rich's own HTML export, styles inline)."""
    from rich.console import Console
    from rich.terminal_theme import TerminalTheme
    console = Console(record=True, file=io.StringIO(), force_terminal=True, color_system="truecolor",
                      width=1 << 16, highlight=False, soft_wrap=True, emoji=False, markup=False,
                      force_jupyter=False)     # in a kernel, rich would display it itself
    for line in lines:
        console.print(line)
    code = console.export_html(theme=TerminalTheme(*_LIGHT), inline_styles=True, code_format="{code}")
    return _PRE.replace("{code}", code.rstrip("\n"))


def heading(text: str) -> str:
    return (f'<div style="font-weight: bold; margin: 0.6em 0 0.2em 0">{html.escape(text)}</div>')


def result(name: str, value_text: str, gradients: list[tuple[str, str, str]]) -> str:
    """The output (`name = tensor(…)`) and a table of gradients: (label, shape, printed value)."""
    parts = [pre(f"{name} = {_indent(value_text, len(name) + 3)}")]
    if gradients:
        rows = "".join(
            f'<tr><td style="{_CELL}"><code>{html.escape(label)}</code></td>'
            f'<td style="{_CELL}">{html.escape(shape)}</td>'
            f'<td style="{_CELL}">{pre(text)}</td></tr>' for label, shape, text in gradients)
        head = "".join(f'<th style="{_CELL}">{h}</th>' for h in ("gradient", "shape", "value"))
        parts.append(f'<table class="gradcli-gradients" style="border-collapse: collapse; '
                     f'margin: 0.3em 0"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
    return "\n".join(parts)


def _indent(text: str, n: int) -> str:
    return text.replace("\n", "\n" + " " * n)


def formulas(rows) -> str:
    """--formula: each d out / d x as display math (MathJax typesets it in Jupyter), then its
    notes (the tests that chose the path, a failed verification) as text."""
    parts = []
    for dlatex, latex, notes in rows:
        if latex is not None:
            parts.append(f'<div class="gradcli-formula">$${html.escape(dlatex)} = {html.escape(latex)}$$</div>')
        if notes:
            parts.append(pre("\n".join(notes)))
    return "\n".join(parts)


# ----- LaTeX (nbconvert's PDF export prefers it; MathJax renders it where HTML is not shown) -----

def latex_array(J, entry) -> str:
    """An object array of formulas in LaTeX (`entry` makes each one): one formula, a row vector or
    a matrix; larger arrays as a note."""
    J = np.asarray(J, dtype=object)
    if J.ndim == 0:
        return entry(J[()])
    if J.ndim > 2 or J.size > LATEX_MAX:
        return r"\text{(a " + r" \times ".join(map(str, J.shape)) + r" array of formulas)}"
    rows = J.reshape(1, -1) if J.ndim == 1 else J
    return (r"\begin{bmatrix}" + r" \\ ".join(" & ".join(entry(e) for e in row) for row in rows)
            + r"\end{bmatrix}")


def latex_tensor(data) -> str | None:
    """A number, a row vector or a matrix in LaTeX; None for more dimensions or elements."""
    arr = np.asarray(data)
    if arr.ndim > 2 or arr.size > LATEX_MAX or arr.size == 0:
        return None
    if arr.ndim == 0:
        return _latex_number(arr.item())
    rows = arr.reshape(1, -1) if arr.ndim == 1 else arr
    body = r" \\ ".join(" & ".join(_latex_number(v) for v in row.tolist()) for row in rows)
    return r"\begin{bmatrix}" + body + r"\end{bmatrix}"


def _latex_number(v) -> str:
    if isinstance(v, bool):
        return r"\mathrm{" + str(v) + "}"
    if v != v:
        return r"\mathrm{nan}"
    if v in (float("inf"), float("-inf")):
        return ("-" if v < 0 else "") + r"\infty"
    text = f"{v:.4g}"
    if "e" in text:
        mant, exp = text.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return text


def latex_name(name: str) -> str:
    """A G name in LaTeX math, upright, its underscores as written (`w_1` is no subscript)."""
    return r"\mathrm{" + name.replace("_", r"\_") + "}"
