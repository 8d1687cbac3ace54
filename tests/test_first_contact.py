"""First contact (issue 15): the commands a newcomer types first — options before `run`, the
guesses `gradcli FILE.g` and `gradcli -e`, `--set 'x = 3'`, `--of` where it has no meaning,
usage errors under `--json`. By subprocess, as a user types them."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def gradcli(*args, input=None, cwd=None):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    env["PYTHONIOENCODING"] = "utf-8"
    proc = subprocess.run([sys.executable, "-m", "gradcli", *args], input=input or "",
                          capture_output=True, encoding="utf-8", env=env, cwd=cwd, timeout=120)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


# ----- point 1: an option before `run` applies to it (or is refused), never dropped -----

@pytest.mark.parametrize("before", [True, False], ids=["before-run", "after-run"])
@pytest.mark.parametrize("option, code, check", [
    (["--timeout", "0.5"], "while True: pass",
     lambda p: p.returncode == 1 and "--timeout 0.5" in p.stderr),
    (["--seed", "0"], "print(randn(3))",
     lambda p: p.stdout == "tensor([ 1.5410, -0.2934, -2.1788])\n"),
    (["--json"], "x = 1",
     lambda p: json.loads(p.stdout)["output"] == {"name": "x", "value": 1.0, "shape": []}),
    (["--wrt", "x"], "x = 2; x**2",
     lambda p: p.stdout == "value = tensor(4., grad_fn=<PowBackward0>)\nd/dx = tensor(4.)\n"),
    (["--of", "y"], "y = 3; z = 4",
     lambda p: p.stdout == "y = 3\n"),
    (["--set", "x=5"], "print(x)",
     lambda p: p.stdout == "5\n"),
    (["--max-memory", "1M"], "ones(10**6)",
     lambda p: p.returncode == 1 and "--max-memory" in p.stderr),
    (["--max-depth", "5"], "def f(n): return 0 if n > 50 else f(n + 1)\nprint(f(0))",
     lambda p: p.returncode == 1 and "--max-depth" in p.stderr),
    (["--max-nesting", "3"], "((((1))))",
     lambda p: p.returncode == 1 and "--max-nesting" in p.stderr),
    (["--formula", "--wrt", "x"], "y = x**2",
     lambda p: "dy/dx = 2*x" in p.stdout),
], ids=lambda v: v[0] if isinstance(v, list) else "")
def test_options_before_run_apply_to_it(option, code, before, check):
    args = [*option, "run", "-e", code] if before else ["run", "-e", code, *option]
    proc = gradcli(*args)
    assert check(proc), (args, proc.returncode, proc.stdout, proc.stderr)


def test_repeatable_options_add_up_across_run():
    proc = gradcli("--wrt", "a", "--set", "a=2", "run", "-e", "y = a * b", "--wrt", "b",
                   "--set", "b=3")
    assert proc.stdout == "y = tensor(6., grad_fn=<MulBackward0>)\ndy/da = tensor(3.)\ndy/db = tensor(2.)\n"


def test_an_option_before_and_after_run_with_two_values_is_refused():
    proc = gradcli("--seed", "1", "run", "-e", "1", "--seed", "2")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--seed" in proc.stderr and "give it once" in proc.stderr


def test_options_before_repl_apply_to_it():
    proc = gradcli("--wrt", "x", "repl", input="x = 2\nx**3\n")
    assert proc.stdout.splitlines() == ["tensor(8., grad_fn=<PowBackward0>)\td/dx = tensor(12.)"]


# ----- point 3: --of in the REPL and piped mode is refused, not ignored -----

@pytest.mark.parametrize("args", [["--of", "y", "--wrt", "x"], ["--of", "zz"], ["repl", "--of", "y"],
                                  ["--of", "y", "repl"]])
def test_of_without_run_is_a_usage_error(args):
    proc = gradcli(*args, input="x = 2\ny = x**2\nx*5\n")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--of" in proc.stderr and "gradcli run -" in proc.stderr


# ----- point 4: --set 'x = 3' -----

@pytest.mark.parametrize("pair", ["x = 3", " x=3 ", "x =3", "x= 3"])
def test_set_strips_the_blanks_around_name_and_expr(pair):
    proc = gradcli("run", "-e", "y = x * 2", "--set", pair, "--of", "y")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "y = 6\n", "")


# ----- point 5: with --json every failure is a document; --dot into a missing folder -----

@pytest.mark.parametrize("args", [
    ["run", "nope.g", "--json"],
    ["--json", "run", "nope.g"],
    ["run", "-e", "1", "--json", "--no-such-option"],
    ["run", "--json"],
    ["run", "-e", "1", "--json", "--seed", "abc"],
    ["--json", "nope.g"],
])
def test_usage_errors_under_json_are_documents(args):
    proc = gradcli(*args)
    assert proc.returncode == 2 and proc.stderr == "", (proc.stdout, proc.stderr)
    doc = json.loads(proc.stdout)
    assert doc["ok"] is False
    assert doc["error"]["kind"] == "UsageError" and doc["error"]["message"]
    assert doc["error"]["line"] is None and doc["error"]["column"] is None


def test_graph_and_explain_under_json_go_into_the_document():
    proc = gradcli("run", "-e", "x = 2; y = x * sin(x)", "--wrt", "x", "--json", "--graph", "--explain")
    assert proc.returncode == 0 and proc.stderr == ""
    doc = json.loads(proc.stdout)
    assert doc["graph"][:2] == ["Graph of y:", "y = MulBackward0  line 1:12  shape ()  1.819"]
    assert doc["explain"][0].startswith("Backward pass of y")
    assert any("∂/∂x = grad · cos(x)" in line for line in doc["explain"])


def test_dot_into_a_missing_folder_is_a_usage_error(tmp_path):
    path = tmp_path / "no" / "such" / "g.dot"
    proc = gradcli("run", "-e", "x = 2; y = x**2", "--wrt", "x", "--dot", str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    assert str(path) in proc.stderr and "Traceback" not in proc.stderr
    assert not path.parent.exists()


# ----- point 6: the first commands say what was meant -----

def test_unbound_wrt_name_hints_set_and_formula():
    proc = gradcli("run", "-e", "x**2", "--wrt", "x")
    assert proc.returncode == 1
    assert "NameError: name 'x' is not defined" in proc.stderr
    assert "--set x=VALUE" in proc.stderr and "--formula" in proc.stderr
    proc = gradcli("run", "-e", "y = 2", "--wrt", "x")
    assert "--set x=VALUE" in proc.stderr


def test_an_unknown_name_not_in_wrt_keeps_the_did_you_mean_hint():
    proc = gradcli("run", "-e", "prnt(1)", "--wrt", "x")
    assert "did you mean `print`?" in proc.stderr and "--set" not in proc.stderr


@pytest.mark.parametrize("args, hint", [
    (["samples/tutorial.g"], "gradcli run samples/tutorial.g"),
    (["samples/missing.g"], "gradcli run samples/missing.g"),
    (["-e", "x = 1"], "gradcli run -e CODE"),
])
def test_first_guesses_suggest_run(args, hint):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    proc = gradcli(*args, cwd=root)
    assert proc.returncode == 2 and proc.stdout == ""
    assert hint in proc.stderr, proc.stderr


# ----- point 7: `import numpy` says G needs no import -----

@pytest.mark.parametrize("code", ["import numpy as np", "import math", "from numpy import sin"])
def test_importing_numpy_or_math_hints_the_builtins(code):
    proc = gradcli("run", "-e", code)
    assert proc.returncode == 1
    assert "no module named" in proc.stderr and "G needs no import" in proc.stderr


# ----- point 2: tabs and spaces mixed, end to end -----

def test_a_tab_after_eight_spaces_is_a_syntax_error_not_another_program(tmp_path):
    path = tmp_path / "mixed.g"
    path.write_text("x = 0\nif True:\n        x = 1\n\ty = 2\nprint(x, y)\n")
    proc = gradcli("run", str(path))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "SyntaxError: tabs and spaces mixed" in proc.stderr and f"{path}:4:" in proc.stderr


# ----- point 8: piped mode cuts a file into entries; the error says so -----

@pytest.mark.parametrize("source, line", [
    ("x = 2\nif x > 5: y = 1\nelse: y = 0\nprint(y)\n", 3),              # else on the next line
    ("def f(x):\n    y = x * 2\n\n    return y\nprint(f(2))\n", 4),      # a blank line in a block
])
def test_piped_mode_says_it_reads_entry_by_entry(source, line):
    proc = gradcli(input=source)
    assert proc.returncode == 1
    assert f"<stdin>:{line}:" in proc.stderr
    assert "entry by entry" in proc.stderr and "gradcli run -" in proc.stderr
    whole = gradcli("run", "-", input=source)                # the hint's advice works
    assert whole.returncode == 0 and whole.stderr == ""


def test_an_ordinary_piped_syntax_error_has_no_entry_hint():
    proc = gradcli(input="x = (1 +\n")
    assert proc.returncode == 1 and "entry by entry" not in proc.stderr


# ----- point 9: :load lists the names it replaced -----

def test_load_report_lists_new_and_replaced_names():
    from gradcli.repl import load_report
    keep, w = object(), object()
    before = {"keep": keep, "w": w}
    assert load_report("m.g", before, {"keep": keep, "w": object(), "v": 1}) == "loaded m.g: v; replaced w"
    assert load_report("m.g", before, dict(before)) == "loaded m.g"
    assert load_report("m.g", before, {**before, "a": 1}) == "loaded m.g: a"


# ----- point 10: a BOM is not quoted; a bad byte is named one way wherever it comes from -----

def test_a_bom_is_not_part_of_the_quoted_line(tmp_path):
    path = tmp_path / "bom.g"
    path.write_bytes(b"\xef\xbb\xbfprint(zz)\n")
    proc = gradcli("run", str(path))
    assert proc.returncode == 1
    assert " 1 | print(zz)\n" in proc.stderr and "\ufeff" not in proc.stderr
    assert f"{path}:1:7" in proc.stderr


def _raw(args, data):
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    return subprocess.run([sys.executable, "-m", "gradcli", *args], input=data, capture_output=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("how", ["-e", "file", "run -", "piped"])
def test_an_invalid_byte_is_reported_one_way(how, tmp_path):
    code = b'x = 1\ny = "\xe9"\n'
    if how == "-e":
        proc = _raw(["run", "-e", code.decode("utf-8", "surrogateescape")], b"")
    elif how == "file":
        (tmp_path / "bad.g").write_bytes(code)
        proc = _raw(["run", str(tmp_path / "bad.g")], b"")
    else:
        proc = _raw(["run", "-"] if how == "run -" else [], code)
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1 and "Traceback" not in err
    assert err.startswith("SyntaxError: invalid UTF-8 byte 0xE9\n"), err
    assert ":2:6" in err and ' 2 | y = "' in err                 # the line is quoted, at the byte
