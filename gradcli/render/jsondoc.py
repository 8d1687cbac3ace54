"""JSON encoding of values and errors for `run --json` (LANGUAGE.md §10).

Values are nested lists (a scalar is a bare number); NaN and the infinities, which JSON cannot
hold, are the strings "NaN", "Infinity" and "-Infinity". Boolean tensors are lists of booleans.
"""
from __future__ import annotations

import json
import math

import numpy as np

from ..errors import GradcliError

_NONFINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def to_json_value(data):
    """A float64 (or bool) array or scalar as nested lists of Python numbers (or booleans),
    with non-finite numbers as "NaN", "Infinity", "-Infinity"."""
    arr = np.asarray(data)
    if arr.dtype == np.bool_:
        return arr.tolist()
    arr = arr.astype(np.float64, copy=False)
    finite = np.isfinite(arr)
    if finite.all():                      # the common case: one C-level conversion
        return arr.tolist()
    # Object arrays hold Python floats; replace the few non-finite ones in place, vectorized,
    # instead of walking every element in Python.
    out = arr.astype(object)
    out[np.isnan(arr)] = "NaN"
    out[arr == np.inf] = "Infinity"
    out[arr == -np.inf] = "-Infinity"
    return out.tolist() if out.ndim else out.item()


def error_object(err: GradcliError) -> dict:
    """`{"kind", "message", "line", "column"}` for the error document; line/column are 1-based
    and null when the error has no span."""
    span = err.span
    return {
        "kind": err.kind,
        "message": err.message,
        "line": span.line if span is not None else None,
        "column": span.column if span is not None else None,
    }


def dumps(doc) -> str:
    """One line of JSON, non-ASCII kept as is, never a bare NaN.

    Values should already have gone through `to_json_value`; numpy arrays and scalars left in
    `doc`, and stray non-finite floats (a NaN error estimate, say), are converted here rather
    than crash the output.
    """
    try:
        text = json.dumps(doc, ensure_ascii=False, allow_nan=False, default=_default)
    except ValueError:                    # a bare non-finite float somewhere: convert and retry
        text = json.dumps(_finite(doc), ensure_ascii=False, allow_nan=False, default=_default)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (from a string escape) cannot be written as UTF-8; \u escapes can.
        text = json.dumps(_finite(doc), ensure_ascii=True, allow_nan=False, default=_default)
    return text


def _default(obj):
    if isinstance(obj, np.bool_):
        return bool(obj)
    if isinstance(obj, np.integer):       # a count or a shape entry stays an integer
        return int(obj)
    if isinstance(obj, (np.ndarray, np.generic)):
        return to_json_value(obj)
    if isinstance(obj, tuple):
        return list(obj)
    raise TypeError(f"cannot encode {type(obj).__name__} as JSON")


def _finite(obj):
    # Depth is that of the document (values are already lists), not of user data.
    if isinstance(obj, float) and not math.isfinite(obj):
        return _NONFINITE[repr(float(obj))]
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, (np.ndarray, np.generic)):
        return _default(obj)
    return obj
