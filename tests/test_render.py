"""The formatting layer: PyTorch's repr (pinned by a fixture made with real PyTorch), error
diagnostics, and the JSON encoding of values. No torch is imported here."""
from __future__ import annotations

import json
import math
import pathlib
import re
import time

import numpy as np
import pytest

from gradcli.errors import GNameError, GradcliError, LimitError, ShapeError, Span
from gradcli.render.diagnostics import did_you_mean, format_error, format_interrupt, rich_error
from gradcli.render.jsondoc import dumps, error_object, to_json_value
from gradcli.render.tensors import format_tensor, format_value, summarize

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "torch_repr.json"
CASES = json.loads(FIXTURE.read_text())
_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


def _decode(x):
    if isinstance(x, list):
        return [_decode(y) for y in x]
    return _SPECIAL[x] if isinstance(x, str) else x


def _array(case) -> np.ndarray:
    dtype = np.bool_ if case["dtype"] == "bool" else np.float64
    return np.array(_decode(case["values"]), dtype=dtype).reshape(case["shape"])


# ----- tensors: PyTorch's repr -----

def test_fixture_is_large_and_varied():
    assert len(CASES) >= 150
    assert any(c["grad_fn"] for c in CASES) and any(c["requires_grad"] for c in CASES)
    assert any(c["dtype"] == "bool" for c in CASES)
    assert {len(c["shape"]) for c in CASES} >= {0, 1, 2, 3, 4}


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['shape']}" for i, c in enumerate(CASES)])
def test_torch_repr(case):
    got = format_tensor(_array(case), requires_grad=case["requires_grad"], grad_fn_name=case["grad_fn"])
    assert got == case["repr"]


@pytest.mark.parametrize("value, expected", [
    (np.float64(27.0), "tensor(27.)"),
    (np.float64(4.5), "tensor(4.5000)"),
    (np.array([np.nan, np.inf, -np.inf]), "tensor([nan, inf, -inf])"),
    (np.array([]), "tensor([])"),
    (np.array([True, False]), "tensor([ True, False])"),
    (np.bool_(True), "tensor(True)"),
    (np.array([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
])
def test_known_reprs(value, expected):
    assert format_tensor(value) == expected


def test_suffixes():
    assert format_tensor(np.ones(2), requires_grad=True) == "tensor([1., 1.], requires_grad=True)"
    assert format_tensor(np.float64(27), grad_fn_name="MeanBackward0") == "tensor(27., grad_fn=<MeanBackward0>)"
    # a grad_fn wins over requires_grad, as in PyTorch
    assert format_tensor(np.ones(1), requires_grad=True, grad_fn_name="AddBackward0") == \
        "tensor([1.], grad_fn=<AddBackward0>)"


def test_huge_tensor_is_summarized_quickly():
    data = np.arange(3_000_000, dtype=np.float64).reshape(1000, 3000)
    start = time.perf_counter()
    text = format_tensor(data)
    assert time.perf_counter() - start < 1.0
    assert text.count("\n") < 20 and "..." in text


def test_format_value():
    assert format_value(True) == "True"
    assert format_value(None) == "None"
    assert format_value("hello") == "hello"
    assert format_value((2, 2)) == "(2, 2)"
    assert format_value((3,)) == "(3,)"
    assert format_value(()) == "()"
    assert format_value([np.float64(1.0), "a", None]) == "[tensor(1.), 'a', None]"
    assert format_value((np.ones(2),)) == "(tensor([1., 1.]),)"

    class FakeTensor:       # anything with data and requires_grad prints as a tensor
        data = np.ones(2)
        requires_grad = True
        grad_fn = "MulBackward0"

    assert format_value(FakeTensor()) == "tensor([1., 1.], grad_fn=<MulBackward0>)"


def test_summarize():
    assert summarize(np.full(4, 4.5)) == "[4.5, 4.5, 4.5, 4.5]"
    assert summarize(np.float64(27)) == "27.0"
    assert summarize(np.array([[1.0, 2.0], [3.0, np.nan]])) == "[[1.0, 2.0], [3.0, nan]]"
    big = summarize(np.linspace(-1.2, 3.4, 5120).reshape(512, 10))
    assert big.startswith("shape (512, 10) min -1.2 max 3.4 mean ")
    assert summarize(np.zeros((0, 3))) == "shape (0, 3)"
    assert summarize(np.array([True, False])) == "[True, False]"
    assert summarize(np.ones(20, dtype=bool)) == "shape (20,) 20 True"


# ----- diagnostics -----

def _err(cls=ShapeError, message="shapes (2, 3) and (4,) do not broadcast", span=None, hint=None, trace=()):
    err = cls(message, span, hint)
    err.trace = list(trace)
    return err


def _caret_col(text: str) -> int:
    """Display column of the caret in the line after the source line (after the gutter)."""
    line = [ln for ln in text.splitlines() if "^" in ln][-1]
    return line.index("^") - line.index("|") - 2


def test_basic_layout():
    src = {"model.g": "x = ones(2, 3)\nb = ones(4)\ny = x + b\n"}
    err = _err(span=Span("model.g", 3, 5, 3, 10), hint="reshape `b` to (3,)")
    assert format_error(err, src) == (
        "ShapeError: shapes (2, 3) and (4,) do not broadcast\n"
        "  --> model.g:3:5\n"
        "   |\n"
        " 3 | y = x + b\n"
        "   |     ^~~~~\n"
        "   = hint: reshape `b` to (3,)"
    )


def test_caret_alone_for_multiline_span_and_gutter_width():
    src = {"a.g": "\n" * 99 + "y = f(x,\n      z)\n"}
    text = format_error(_err(span=Span("a.g", 100, 5, 101, 8)), src)
    assert "  --> a.g:100:5" in text.replace("   -->", "  -->")
    assert " 100 | y = f(x," in text
    assert text.splitlines()[-1] == "     |     ^"


def test_missing_source_or_line_omits_snippet():
    err = _err(span=Span("m.g", 7, 3, 7, 4))
    for sources in (None, {}, {"m.g": "one line\n"}):
        assert format_error(err, sources) == "ShapeError: shapes (2, 3) and (4,) do not broadcast\n  --> m.g:7:3"


def test_no_span():
    err = _err(GradcliError, "boom", hint="try again")
    assert format_error(err) == "Error: boom\n   = hint: try again"
    assert error_object(err) == {"kind": "Error", "message": "boom", "line": None, "column": None}


def test_tabs_expand_and_caret_follows():
    src = {"t.g": "\tif x:\n\t\ty = x + nme\n"}
    text = format_error(_err(GNameError, "name 'nme' is not defined", Span("t.g", 2, 11, 2, 14)), src)
    assert "\t" not in text
    source_line = [ln for ln in text.splitlines() if ln.startswith(" 2 | ")][0]
    shown = source_line[len(" 2 | "):]
    assert shown == "        y = x + nme"
    assert _caret_col(text) == shown.index("nme")
    assert text.splitlines()[-1].endswith("^~~")


def test_wide_characters_count_two_columns():
    src = {"c.g": "s = '中文字' + nme\n"}
    text = format_error(_err(GNameError, "name 'nme' is not defined", Span("c.g", 1, 13, 1, 16)), src)
    # '中文字' occupies 6 columns, so `nme` starts at display column 4 + 1 + 6 + 1 + 3 = 15
    assert _caret_col(text) == 15


def test_long_line_is_windowed():
    line = "a = " + "1+" * 50_000 + "zz"
    err = _err(GNameError, "name 'zz' is not defined", Span("l.g", 1, len(line) - 1, 1, len(line) + 1))
    text = format_error(err, {"l.g": line})
    assert max(len(ln) for ln in text.splitlines()) < 130
    assert "…" in text
    shown = [ln for ln in text.splitlines() if ln.startswith(" 1 | ")][0][len(" 1 | "):]
    assert shown[_caret_col(text):].startswith("zz")
    # a column in the middle: ellipses on both sides, caret still on its character
    err = _err(GNameError, "x", Span("l.g", 1, 50_001, 1, 50_002))
    text = format_error(err, {"l.g": line})
    shown = [ln for ln in text.splitlines() if ln.startswith(" 1 | ")][0][len(" 1 | "):]
    assert shown.startswith("…") and shown.endswith("…")
    assert shown[_caret_col(text)] == line[50_000]


def test_trace_outermost_first_innermost_last():
    src = {"m.g": "def g(x):\n    return x + b\ndef f(x):\n    return g(x) * 2\nout = f(ones(3))\n"}
    err = _err(span=Span("m.g", 2, 12, 2, 17), hint="h",
               trace=[Span("m.g", 5, 7, 5, 17), Span("m.g", 4, 12, 4, 16)])
    text = format_error(err, src)
    lines = text.splitlines()
    order = [i for i, ln in enumerate(lines) if "m.g:" in ln]
    assert [lines[i].strip() for i in order] == ["in call at m.g:5:7", "in call at m.g:4:12", "--> m.g:2:12"]
    assert text.index("out = f(ones(3))") < text.index("return g(x) * 2") < text.index("return x + b")
    assert lines[-1] == "   = hint: h"


def test_recursive_trace_is_collapsed():
    src = {"r.g": "def f(n):\n    return f(n)\nf(1)\n"}
    inner = Span("r.g", 2, 12, 2, 16)
    err = _err(LimitError, "recursion deeper than 1000", inner, trace=[Span("r.g", 3, 1, 3, 5)] + [inner] * 999)
    text = format_error(err, src)
    assert text.count("return f(n)") == 2
    assert "repeated 998 more times" in text
    # mutual recursion without repeats is cut in the middle
    err.trace = [Span("r.g", 1 + i % 2, 1) for i in range(1000)]
    assert "more calls" in format_error(err, src)
    assert len(format_error(err, src).splitlines()) < 120


def test_control_characters_never_reach_the_terminal():
    src = {"x.g": "s = '\x1b[31m' + nme\n"}
    text = format_error(_err(GNameError, "bad \x1b[2J", Span("x.g", 1, 15, 1, 18)), src)
    assert "\x1b" not in text


def test_color_and_rich():
    src = {"m.g": "y = x + b\n"}
    err = _err(span=Span("m.g", 1, 5, 1, 10), hint="h")
    plain = format_error(err, src)
    colored = format_error(err, src, color=True)
    assert "\x1b[" in colored
    assert re.sub(r"\x1b\[[0-9;]*m", "", colored) == plain
    assert rich_error(err, src).plain == plain
    # source text with rich markup is shown verbatim
    src = {"m.g": "y = [bold]x[/bold] + b\n"}
    assert "[bold]x[/bold]" in format_error(err, src, color=True)


def test_interrupt_and_did_you_mean():
    assert format_interrupt() == "interrupted"
    assert did_you_mean("nme", ["name", "x", "mean"]) in ("name", "mean")
    assert did_you_mean("nme", ["name", "x"]) == "name"
    assert did_you_mean("qqqq", ["name", "x"]) is None
    assert did_you_mean("x", ["x"]) is None


# ----- JSON -----

def test_json_values():
    assert to_json_value(np.float64(27.0)) == 27.0
    assert to_json_value(np.full((2, 2), 4.5)) == [[4.5, 4.5], [4.5, 4.5]]
    assert to_json_value(np.array([np.nan, np.inf, -np.inf, 1.0])) == ["NaN", "Infinity", "-Infinity", 1.0]
    assert to_json_value(np.float64(np.nan)) == "NaN"
    assert to_json_value(np.array([True, False])) == [True, False]
    assert to_json_value(np.zeros((0, 2))) == []
    assert type(to_json_value(np.array([1.0, np.nan]))[0]) is float


def test_json_round_trip_and_no_bare_nan():
    doc = {"ok": True, "output": {"name": "out", "value": to_json_value(np.float64(np.inf)), "shape": []},
           "x": to_json_value(np.array([[1.5, np.nan]])), "stray": float("nan"), "n": np.int64(3),
           "arr": np.array([-np.inf]), "printed": ["tensor(1.)", "é中"]}
    text = dumps(doc)
    assert "\n" not in text and "NaN," not in text.replace('"NaN"', "")
    back = json.loads(text)
    assert back["output"]["value"] == "Infinity"
    assert back["x"] == [[1.5, "NaN"]]
    assert back["stray"] == "NaN" and back["n"] == 3 and back["arr"] == ["-Infinity"]
    assert "é中" in text     # ensure_ascii=False
    # a lone surrogate still gives writable text
    assert json.loads(dumps({"s": "\ud800"}))["s"] == "\ud800"
    dumps({"s": "\ud800"}).encode("utf-8")


def test_error_object():
    err = _err(GNameError, "name 'nme' is not defined", Span("m.g", 3, 7, 3, 10))
    assert json.loads(dumps({"ok": False, "error": error_object(err)})) == {
        "ok": False, "error": {"kind": "NameError", "message": "name 'nme' is not defined", "line": 3, "column": 7}}


def test_json_big_array_is_fast():
    data = np.random.default_rng(0).standard_normal(1_000_000)
    data[10] = np.nan
    start = time.perf_counter()
    text = dumps({"v": to_json_value(data)})
    assert time.perf_counter() - start < 5.0
    assert json.loads(text)["v"][10] == "NaN"
