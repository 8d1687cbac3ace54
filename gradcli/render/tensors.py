"""PyTorch's tensor repr, reproduced exactly for float64 and boolean numpy arrays.

This is a port of `torch/_tensor_str.py` (PyTorch 2.x) with the default print options
(precision 4, threshold 1000, edgeitems 3, linewidth 80) and float64 as the default dtype, so no
`dtype=` suffix is ever printed. `tests/fixtures/torch_repr.json`, generated with real PyTorch by
`scripts/torch_repr_cases.py`, pins the output digit for digit.
"""
from __future__ import annotations

import math

import numpy as np

PRECISION = 4
THRESHOLD = 1000        # more elements than this are summarized with `...`
EDGEITEMS = 3           # elements kept at each end of a summarized dimension
LINEWIDTH = 80

_PREFIX = "tensor("


class _Formatter:
    """Decides int/sci/fixed mode and the common column width, as torch's `_Formatter` does.

    It is built from the (summarized) data once and then formats every element, so all the
    elements of a tensor share one width and one notation.
    """

    def __init__(self, data: np.ndarray):
        self.floating = data.dtype != np.bool_
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = data.reshape(-1)
        if not self.floating:
            self.max_width = max((len(str(v)) for v in set(flat.tolist())), default=1)
            return
        # Zeros, nan and inf take no part in choosing the mode or the width (as in torch),
        # which is why `tensor([0., nan])` has no padding.
        finite_nonzero = flat[np.isfinite(flat) & (flat != 0)]
        if finite_nonzero.size == 0:
            return
        magnitudes = np.abs(finite_nonzero)
        lo, hi = float(magnitudes.min()), float(magnitudes.max())
        self.int_mode = bool(np.all(finite_nonzero == np.ceil(finite_nonzero)))
        # Python float division gives inf on overflow, like torch's double division.
        self.sci_mode = hi / lo > 1000.0 or hi > 1.0e8 or lo < 1.0e-4
        values = set(finite_nonzero.tolist())   # equal values have equal widths
        if self.sci_mode:
            width = max(len(f"{v:.{PRECISION}e}") for v in values)
        elif self.int_mode:
            # The trailing "." that marks a float counts towards the width.
            width = max(len(f"{v:.0f}") for v in values) + 1
        else:
            width = max(len(f"{v:.{PRECISION}f}") for v in values)
        self.max_width = max(self.max_width, width)

    def format(self, value) -> str:
        """One element (a Python float or bool), right-aligned to the common width."""
        if not self.floating:
            text = str(value)
        elif self.sci_mode:
            text = f"{value:{self.max_width}.{PRECISION}e}"
        elif self.int_mode:
            text = f"{value:.0f}"
            if math.isfinite(value):
                text += "."
        else:
            text = f"{value:.{PRECISION}f}"
        return text.rjust(self.max_width)


def _summarized_data(data: np.ndarray) -> np.ndarray:
    """The elements that will actually be shown: the edge items of every long dimension."""
    for axis, size in enumerate(data.shape):
        if size > 2 * EDGEITEMS:
            keep = list(range(EDGEITEMS)) + list(range(size - EDGEITEMS, size))
            data = np.take(data, keep, axis=axis)
    return data


def _vector_str(row: np.ndarray, indent: int, summarize: bool, fmt: _Formatter, linewidth: int) -> str:
    # Width of one element plus its ", " separator.
    element_length = fmt.max_width + 2
    per_line = max(1, math.floor((linewidth - indent) / element_length))
    if summarize and row.shape[0] > 2 * EDGEITEMS:
        items = ([fmt.format(v) for v in row[:EDGEITEMS].tolist()] + [" ..."]
                 + [fmt.format(v) for v in row[-EDGEITEMS:].tolist()])
    else:
        items = [fmt.format(v) for v in row.tolist()]
    lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
    return "[" + (",\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str(data: np.ndarray, indent: int, summarize: bool, fmt: _Formatter, linewidth: int) -> str:
    # Recursion depth is the number of dimensions, which numpy bounds (64), not the input size.
    if data.ndim == 0:
        return fmt.format(data.item())
    if data.ndim == 1:
        return _vector_str(data, indent, summarize, fmt, linewidth)
    n = data.shape[0]
    if summarize and n > 2 * EDGEITEMS:
        rows = list(range(EDGEITEMS)) + [None] + list(range(n - EDGEITEMS, n))
    else:
        rows = list(range(n))
    slices = ["..." if i is None else _tensor_str(data[i], indent + 1, summarize, fmt, linewidth)
              for i in rows]
    # Blocks of 3-d and higher tensors are separated by blank lines, one per extra dimension.
    return "[" + ("," + "\n" * (data.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(text: str, suffixes: list[str], indent: int, linewidth: int) -> str:
    """Append `, suffix` pieces, moving one to its own line when it would pass the line width."""
    parts = [text]
    # torch's arithmetic, kept as is (it over-counts by 2 on single-line output).
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(data, *, requires_grad: bool = False, grad_fn_name: str | None = None,
                  linewidth: int = LINEWIDTH) -> str:
    """Return `repr()` of the equivalent PyTorch tensor, e.g. `tensor([1., 2.], requires_grad=True)`.

    `data` is a float64 or boolean numpy array or scalar. `grad_fn_name` is the node name without
    brackets (`"MulBackward0"`); when given, it replaces `requires_grad=True`, as in PyTorch.
    """
    arr = np.asarray(data)
    if arr.dtype != np.bool_:
        arr = arr.astype(np.float64, copy=False)
    indent = len(_PREFIX)
    suffixes = []
    if arr.size == 0:
        body = "[]"
        if arr.ndim != 1:   # torch shows the shape of an empty tensor unless it is (0,)
            suffixes.append(f"size={tuple(arr.shape)}")
        if arr.dtype == np.bool_:   # nothing else tells an empty bool tensor from a float one
            suffixes.append("dtype=torch.bool")
    else:
        summarize = arr.size > THRESHOLD
        fmt = _Formatter(_summarized_data(arr) if summarize else arr)
        body = _tensor_str(arr, indent, summarize, fmt, linewidth)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(_PREFIX + body, suffixes, indent, linewidth)


def format_symbolic(texts, *, requires_grad: bool = False, grad_fn_name: str | None = None) -> str:
    """A tensor whose elements are formula texts (an object array of str: a value computed from
    a free symbol under --formula), in the layout of PyTorch's repr: `tensor(x**2,
    grad_fn=<PowBackward0>)`, `tensor([x, 2*x], requires_grad=True)`, rows on their own lines."""
    texts = np.asarray(texts, dtype=object)
    indent = len(_PREFIX)

    def nested(a, depth):
        if a.ndim == 0:
            return str(a[()])
        if a.ndim == 1:
            return "[" + ", ".join(map(str, a.tolist())) + "]"
        sep = "," + "\n" * (a.ndim - 1) + " " * (indent + depth + 1)
        return "[" + sep.join(nested(r, depth + 1) for r in a) + "]"
    suffixes = [f"grad_fn=<{grad_fn_name}>"] if grad_fn_name is not None else \
        (["requires_grad=True"] if requires_grad else [])
    return _add_suffixes(_PREFIX + nested(texts, 0), suffixes, indent, LINEWIDTH)


def _grad_fn_name(grad_fn) -> str | None:
    # Duck-typed so that render/ does not import autograd/: a node may be a string, or an
    # object with a `name` (attribute or method), or be known by its class name.
    if grad_fn is None or isinstance(grad_fn, str):
        return grad_fn
    name = getattr(grad_fn, "name", None)
    if callable(name):
        name = name()
    return name if isinstance(name, str) else type(grad_fn).__name__


def format_value(v) -> str:
    """Format any value of the language as `print` shows it.

    Tensors (numpy arrays, numpy scalars, or objects with `data` and `requires_grad`) use
    PyTorch's repr; tuples print as `(2, 2)` (not `torch.Size([2, 2])`), lists as `[a, b]`,
    strings as themselves, booleans and None by name.
    """
    if v is None or isinstance(v, (bool, str)):
        return str(v)
    if isinstance(v, (np.ndarray, np.generic)):
        return format_tensor(v)
    if isinstance(getattr(v, "data", None), np.ndarray) and hasattr(v, "requires_grad"):
        return format_tensor(v.data, requires_grad=bool(v.requires_grad),
                             grad_fn_name=_grad_fn_name(getattr(v, "grad_fn", None)))
    if isinstance(v, tuple):
        inner = ", ".join(_element(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    if isinstance(v, list):
        return "[" + ", ".join(_element(x) for x in v) + "]"
    return str(v)


def _element(x) -> str:
    # Strings inside containers are quoted, as Python prints them; integers of a shape stay bare.
    if isinstance(x, str):
        return repr(x)
    if type(x) in (int, float):         # not bool, not np.float64 (a float subclass, but a tensor)
        return repr(x)
    return format_value(x)


_INLINE_MAX = 8     # tensors with at most this many elements are summarized by their values


def _short(x) -> str:
    if isinstance(x, bool):
        return str(x)
    if math.isfinite(x) and x == int(x) and abs(x) < 1e15:
        return f"{x:.1f}"
    return f"{x:.4g}"


def _nested(x) -> str:
    if isinstance(x, list):
        return "[" + ", ".join(_nested(y) for y in x) + "]"
    return _short(x)


def summarize(data) -> str:
    """A one-line summary for tables: the values of a small tensor (`[4.5, 4.5]`, `27.0`),
    otherwise `shape (512, 10) min -1.2 max 3.4 mean 0.01` (for booleans, how many are True)."""
    arr = np.asarray(data)
    if arr.dtype != np.bool_:
        arr = arr.astype(np.float64, copy=False)
    if arr.size <= _INLINE_MAX and arr.size > 0:
        return _nested(arr.tolist())
    shape = f"shape {tuple(arr.shape)}"
    if arr.size == 0:
        return shape
    if arr.dtype == np.bool_:
        return f"{shape} {int(np.count_nonzero(arr))} True"
    with np.errstate(all="ignore"):     # a mean that overflows is inf; say so, don't warn
        lo, hi, mean = float(arr.min()), float(arr.max()), float(arr.mean())
    return f"{shape} min {lo:.4g} max {hi:.4g} mean {mean:.4g}"
