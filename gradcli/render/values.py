"""How G values print: `print`, the REPL, reports, notebooks and the fields of f-strings.

Tensors print as PyTorch's repr (`tensors.py`). A plain number of the language (`lang/values.py`'s
`Number`: a literal, `len()`, `item()`, a `range` loop variable) is a 0-d tensor that carries
`is_int`: it prints as Python prints a number (`6`, `4.5`), as a calculator would. Render knows it
by that attribute, so that it need not import the language.
"""
from __future__ import annotations

import math
import re

import numpy as np

from ..autograd.tensor import Tensor, mode
from ..errors import GTypeError, GValueError
from .tensors import format_symbolic, format_tensor


def number_text(n) -> str:
    """A plain number as Python prints it: `6` for an integer, `4.5`, `inf`, `nan`."""
    v = float(n.data)
    if n.is_int and math.isfinite(v):
        return str(int(v))
    return repr(v)


def _is_number(value) -> bool:
    """Whether `value` is the language's plain number (a Tensor with `is_int`)."""
    return isinstance(value, Tensor) and getattr(value, "is_int", None) is not None


def symbolic(value):
    """--formula with a free symbol (§12): the elements of a tensor computed from it, as formula
    texts (it has no numbers), else None. The run's recorder (`mode.formula`) builds them."""
    rec = mode.formula
    if rec is None or not isinstance(value, Tensor) or not value.requires_grad:
        return None
    J = rec.symbolic_elements(value)
    if J is None:
        return None
    from .formula import expr_text          # here, for start-up time: SymPy, --formula only
    texts = np.empty(J.shape, dtype=object)
    for i, e in np.ndenumerate(J):
        texts[i] = e if isinstance(e, str) else expr_text(e)
    return texts


def to_text(value) -> str:
    """How `print` and the REPL show a value."""
    if _is_number(value):
        return number_text(value)
    if isinstance(value, Tensor):
        leaf = value.requires_grad and value.grad_fn is None
        node = value.grad_fn.op.node_name if value.grad_fn else None
        texts = symbolic(value)
        if texts is not None:
            return format_symbolic(texts, requires_grad=leaf, grad_fn_name=node)
        return format_tensor(value.data, requires_grad=leaf, grad_fn_name=node)
    if value is None or isinstance(value, (bool, str)):
        return str(value)
    if isinstance(value, tuple):
        inner = ", ".join(_inner(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(_inner(v) for v in value) + "]"
    if isinstance(value, range):
        return f"range({value.start}, {value.stop}" + (f", {value.step})" if value.step != 1 else ")")
    return repr(value)


def _inner(v) -> str:
    return repr(v) if isinstance(v, str) else to_text(v)


# Widths and precisions past this would build strings of gigabytes from a few characters.
_FORMAT_MAX = 100_000
_SPEC_NUMBERS = re.compile(r"\d+")


def format_value(value, conversion, spec, type_name) -> str:
    """One field of an f-string: `!r`/`!s`/`!a`, then the format spec, as Python formats.

    A 0-d tensor formats as its number (PyTorch's Tensor.__format__: `format(t.item(), spec)`);
    a larger one as its printed form, and only with an empty spec (a TypeError, as in PyTorch).
    Every other value formats as Python formats its text: a spec for it is a TypeError, whose
    message names the value's kind with `type_name` (the language's words for it).
    """
    if conversion == "s":
        value = to_text(value)
    elif conversion is not None:                 # 'r' and 'a': strings in quotes, as repr()
        value = repr(value) if isinstance(value, str) else to_text(value)
        if conversion == "a":
            value = ascii(value)[1:-1] if not value.isascii() else value
    if spec and any(len(n) > 6 or int(n) > _FORMAT_MAX for n in _SPEC_NUMBERS.findall(spec)):
        raise GValueError(f"format spec '{spec}': a width or precision above {_FORMAT_MAX:,}")
    if isinstance(value, str):
        plain = value
    elif isinstance(value, bool):
        plain = value
    elif _is_number(value):
        v = float(value.data)
        plain = int(v) if value.is_int and math.isfinite(v) else v
    elif isinstance(value, Tensor):
        texts = symbolic(value) if value.data.ndim == 0 else None
        if texts is not None:            # a formula (§12): a spec needs its number
            if spec:
                mode.formula.value_used(value)
            return texts[()]
        if value.data.ndim == 0:
            plain = value.data.item()
        elif spec:
            raise GTypeError(f"unsupported format string passed to Tensor.__format__: "
                             f"'{spec}' formats a number, and this tensor has shape "
                             f"{tuple(value.data.shape)}", hint="format one element, or its .item()")
        else:
            return to_text(value)
    else:
        if spec:
            raise GTypeError(f"unsupported format string passed to {type_name(value)}: '{spec}'")
        return to_text(value)
    try:
        return format(plain, spec)
    except (ValueError, TypeError) as err:
        raise GValueError(f"format spec '{spec}': {err}") from None


# ----- the report of `gradcli run` (with --json: report.py) -----

def text_report(output, grads, formula=None) -> list[str]:
    """Plain lines: `name = value`, then `d name / d x = gradient` for each --wrt input, then
    with --formula each gradient's formula (only those when a --wrt name is a free symbol)."""
    lines = []
    if output is not None and not (formula is not None and formula.free):
        name = output.name or "value"
        lines.append(f"{name} = {_indent(to_text(output.value), len(name) + 3)}")
        for x, g in grads.items():
            head = f"d{output.name or ''}/d{x} = "
            lines.append(head + _indent(to_text(g), len(head)))
    if formula is not None and formula.models is not None:
        from .formula import text_lines     # here, for start-up time: --formula only
        lines.extend(text_lines(formula.models, output.name if output else None, formula.latex))
    return lines


def _indent(text, n):
    return text.replace("\n", "\n" + " " * n)
