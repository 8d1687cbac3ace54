"""Whole programs against PyTorch: every tests/programs/NAME.py prints what real PyTorch prints.

Each program is valid both as Python + PyTorch and as G. scripts/torch_programs.py ran them under
PyTorch (float64 by default) and stored the printed lines in tests/fixtures/torch_programs.json;
here each one runs through gradcli, in this process, and its printed lines are compared with
PyTorch's: a line passes when it is equal, or else when it differs only in its numbers, each
within a relative 1e-6 of PyTorch's and written the same way (fixed, scientific or integral
notation, the same sign of zero). No torch is imported here.

To add a program: write tests/programs/NAME.py, then run
    $GRADCLI_TORCH_PYTHON scripts/torch_programs.py
`python tests/test_torch_programs.py` prints how each program compares (exact / within tolerance).
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import pathlib
import re

import pytest

from gradcli.run import run_script

HERE = pathlib.Path(__file__).resolve().parent
PROGRAMS = HERE / "programs"
FIXTURE = HERE / "fixtures" / "torch_programs.json"
EXPECTED = json.loads(FIXTURE.read_text(encoding="utf-8"))
NAMES = sorted(p.stem for p in PROGRAMS.glob("*.py"))
RTOL = 1e-6

# Genuine differences from PyTorch that are not fixed (yet): program -> why. strict=True, so a
# program that starts to match fails here until its entry is removed.
XFAIL = {
}

_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|inf|nan)(?![\w.])")


def run_gradcli(name: str) -> list[str]:
    """What tests/programs/NAME.py prints under gradcli (`gradcli run FILE --json`, in-process)."""
    path = PROGRAMS / f"{name}.py"
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = run_script(path.read_text(encoding="utf-8"), str(path), {"as_json": True})
    doc = json.loads(out.getvalue())
    if not doc["ok"]:
        err = doc["error"]
        pytest.fail(f"{name}.py fails in gradcli: {err['kind']}: {err['message']} "
                    f"(line {err.get('line')}, column {err.get('column')})", pytrace=False)
    assert status == 0
    return doc["printed"]


def _notation(token: str) -> str:
    t = token.lstrip("+-")
    if t in ("inf", "nan"):
        return t
    if "e" in t or "E" in t:
        return "scientific"
    if t.endswith("."):
        return "integral"        # PyTorch's `3.` of a tensor whose elements are all integers
    return "fixed" if "." in t else "integer"


def _close(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    if x == 0 and y == 0:
        return math.copysign(1, x) == math.copysign(1, y)
    return math.isclose(x, y, rel_tol=RTOL, abs_tol=0.0)


def compare_line(got: str, want: str) -> str | None:
    """None when `got` passes for PyTorch's `want`, else why not."""
    if got == want:
        return None
    g, w = _NUMBER.findall(got), _NUMBER.findall(want)
    if _NUMBER.sub("#", got) != _NUMBER.sub("#", want) or len(g) != len(w):
        return "the text differs"
    for a, b in zip(g, w):
        if _notation(a) != _notation(b):
            return f"{a} is written in {_notation(a)} notation, PyTorch's {b} in {_notation(b)}"
        if not _close(a, b):
            return f"{a} is not within rtol {RTOL:g} of PyTorch's {b}"
    return None


def compare(got: list[str], want: list[str]) -> tuple[str, list[str]]:
    """("exact" | "close" | "different", the report of each differing line)."""
    if got == want:
        return "exact", []
    report = []
    for i in range(max(len(got), len(want))):
        g = got[i] if i < len(got) else "<no line>"
        w = want[i] if i < len(want) else "<no line>"
        why = compare_line(g, w) if i < len(got) and i < len(want) else "a line is missing"
        if why:
            report.append(f"line {i + 1}: {why}\n  gradcli: {g}\n  PyTorch: {w}")
    return ("close" if not report else "different"), report


def test_every_program_has_a_fixture_entry():
    missing = sorted(set(NAMES) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(NAMES))
    assert not missing, (f"programs without PyTorch's output: {missing}; run "
                         "$GRADCLI_TORCH_PYTHON scripts/torch_programs.py")
    assert not stale, f"fixture entries without a program: {stale}"
    assert set(XFAIL) <= set(NAMES), f"XFAIL names no program: {sorted(set(XFAIL) - set(NAMES))}"
    assert len(NAMES) >= 60


def _params():
    return [pytest.param(n, marks=pytest.mark.xfail(reason=XFAIL[n], strict=True)) if n in XFAIL else n
            for n in NAMES]


@pytest.mark.parametrize("name", _params())
def test_program_prints_what_pytorch_prints(name):
    kind, report = compare(run_gradcli(name), EXPECTED[name]["printed"])
    assert kind != "different", f"{name}.py differs from PyTorch:\n" + "\n".join(report)


def test_compare_rules():
    assert compare_line("tensor([1., 2.])", "tensor([1., 2.])") is None
    assert compare_line("0.10361811858806988", "0.10361811858806977") is None
    assert compare_line("tensor(5.0000, grad_fn=<X>)", "tensor(5., grad_fn=<X>)") is not None
    assert compare_line("tensor([0.0000, 1.0000])", "tensor([5.5511e-17, 1.0000e+00])") is not None
    assert compare_line("tensor([-0., 1.])", "tensor([ 0., 1.])") is not None
    assert compare_line("<SumBackward0>", "<SumBackward1>") is not None
    assert compare_line("tensor([nan, inf])", "tensor([nan, inf])") is None
    assert compare_line("1.5", "1.6") is not None


if __name__ == "__main__":      # a summary: how each program compares
    import collections
    counts = collections.Counter()
    for n in NAMES:
        try:
            kind, report = compare(run_gradcli(n), EXPECTED[n]["printed"])
        except BaseException as e:  # noqa: BLE001 (pytest.fail in run_gradcli)
            kind, report = "error", [str(e)]
        counts[kind] += 1
        print(f"{kind:10} {n}" + ("  (xfail)" if n in XFAIL else ""))
        for r in report:
            print("    " + r.replace("\n", "\n    "))
    print(dict(counts), "of", len(NAMES))
