"""Seeing the gradient: --graph, --dot, --explain, --check and graph(t) (LANGUAGE.md §10).

Golden outputs (plain text, as printed off a terminal) live in tests/golden_insight/; run with
GRADCLI_UPDATE_GOLDEN=1 to rewrite them after an intended change, then read the diff.
Everything runs in process (click's CliRunner), so the whole file takes a few seconds.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gradcli.autograd import ops
from gradcli.cli import main
from gradcli.insight import graph as G
from gradcli.render import graph as R

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "samples" / "tutorial.g")
GOLDEN = Path(__file__).resolve().parent / "golden_insight"


@pytest.fixture(autouse=True)
def _plain(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


def gradcli(*args):
    """(exit status, stdout, stderr) of `gradcli ARGS`, in process."""
    r = CliRunner().invoke(main, list(args))
    if r.exception is not None and not isinstance(r.exception, SystemExit):
        raise r.exception
    return r.exit_code, r.stdout, r.stderr


def script(tmp_path, text, name="s.g"):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def section(stdout, title):
    """The lines of one insight section: from its title to the next blank line before a title."""
    lines = stdout.split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith(title))
    end = start + 1
    while end < len(lines) and lines[end] != "":
        end += 1
    return lines[start:end]


# ----- golden outputs for the tutorial -----

CASES = {
    "tutorial_graph": ["--seed", "0", "--graph"],
    "tutorial_graph_out": ["--seed", "0", "--graph", "--of", "out", "--wrt", "x"],
    "tutorial_explain": ["--seed", "0", "--explain"],
    "tutorial_explain_out": ["--seed", "0", "--explain", "--of", "out"],
    "tutorial_check": ["--seed", "0", "--check", "--wrt", "x"],
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_tutorial(case):
    status, out, err = gradcli("run", TUTORIAL, *CASES[case])
    assert status == 0, err
    assert err == ""
    path = GOLDEN / f"{case}.txt"
    if os.environ.get("GRADCLI_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert path.exists(), f"no golden file {path.name}: run with GRADCLI_UPDATE_GOLDEN=1"
    assert out == path.read_text(encoding="utf-8")


def test_explain_reads_like_the_tutorial():
    status, out, _ = gradcli("run", TUTORIAL, "--seed", "0", "--explain", "--of", "out")
    assert status == 0
    # d out/d z_i = 1/4, then 3 from the constant, y*y sends 2.25 twice, y collects 4.5 for x
    assert "∂/∂xᵢ = grad / n with n = 4  →  [[0.25, 0.25], [0.25, 0.25]]  to z (step 2)" in out
    assert "∂/∂a = grad · b  →  [[0.75, 0.75], [0.75, 0.75]]" in out
    assert out.count("[[2.25, 2.25], [2.25, 2.25]]  to y (step 4)") == 2
    assert "(the sum of 2 contributions" in out
    assert "dout/dx = [[4.5, 4.5], [4.5, 4.5]]" in out
    assert "    out = z.mean()\n          ^^^^^^^^" in out


def test_explain_loop_path_note():
    status, out, _ = gradcli("run", TUTORIAL, "--seed", "0", "--explain")
    assert status == 0
    assert "while norm(y) < 1000: ran 8 times  (8 nodes of this graph)" in out   # as PyTorch, seed 0
    assert "to the power 8" in out and "2**k" in out
    assert "starting from ones(3)" in out


# ----- --check -----

CHECK_SCRIPT = "x = tensor([0.3, 1.2, -0.7])\ny = sin(x) * x\nz = exp(x).sum() + y.sum()\n"


def test_check_passes_and_reports_json():
    status, out, _ = gradcli("run", "-e", CHECK_SCRIPT, "--wrt", "x", "--check", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["ok"] is True
    c = doc["check"]["x"]
    assert c["ok"] is True and c["max_abs_error"] < 1e-6 and c["max_rel_error"] < 1e-6


def test_check_catches_a_wrong_vjp(monkeypatch):
    sin = ops.TABLE["sin"]
    monkeypatch.setattr(sin, "vjps", (lambda F, g, y, p, x: g * F.cos(x) * 1.5,))
    status, out, _ = gradcli("run", "-e", CHECK_SCRIPT, "--wrt", "x", "--check", "--json")
    assert status == 1
    doc = json.loads(out)
    assert doc["ok"] is True                       # the script ran; the check failed
    assert doc["check"]["x"]["ok"] is False
    assert doc["check"]["x"]["max_rel_error"] > 1e-2
    status, out, _ = gradcli("run", "-e", CHECK_SCRIPT, "--wrt", "x", "--check")
    assert status == 1
    assert "DISAGREE" in out and "FAILED" in out


def test_check_only_blames_the_input_whose_gradient_is_wrong(monkeypatch):
    exp = ops.TABLE["exp"]
    monkeypatch.setattr(exp, "vjps", (lambda F, g, y, p, x: -g * y,))
    src = "a = tensor([0.5, 2.0])\nb = tensor(1.5)\nout = (exp(a) * 2).sum() + b * b\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "a", "--wrt", "b", "--check", "--json")
    assert status == 1
    check = json.loads(out)["check"]
    assert check["a"]["ok"] is False and check["b"]["ok"] is True


def test_check_reruns_random_scripts_identically():
    # no --seed: the runner seeds the run and every re-run with one seed
    src = "w = randn(4)\nx = tensor([1.0, 2.0, 3.0, 4.0])\nloss = ((x * w + randn(4)) ** 2).sum()\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "x", "--check", "--json")
    assert status == 0, out
    assert json.loads(out)["check"]["x"]["ok"] is True


def test_check_follows_control_flow_and_sets():
    src = "y = x * 2\nwhile norm(y) < 100:\n    y = y * 2\nif y.sum() > 0:\n    y = y * y\ny.sum()\n"
    status, out, _ = gradcli("run", "-e", src, "--set", "x=tensor([0.5, 1.5])", "--wrt", "x",
                             "--check", "--json")
    assert status == 0, out
    doc = json.loads(out)
    assert doc["check"]["x"]["ok"] is True


def test_check_perturbs_the_last_marking():
    # x is bound twice; the gradient (and the check) is w.r.t. the second binding
    src = "x = tensor(5.0)\na = x * 100\nx = tensor(2.0)\nout = a + x ** 3\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "x", "--check", "--json")
    assert status == 0
    doc = json.loads(out)
    assert doc["gradients"]["x"] == 12.0 and doc["check"]["x"]["ok"] is True


def test_check_samples_large_inputs():
    src = "x = linspace(-1, 1, 500)\ny = (x * sin(x)).sum()\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "x", "--check", "--check-samples", "7")
    assert status == 0
    assert "7 of 500 elements (a seeded random sample) checked" in out


def test_check_without_wrt_says_so():
    status, out, _ = gradcli("run", "-e", "x = tensor(1.0, requires_grad=True)\ny = x * 2", "--check")
    assert status == 0
    assert "nothing to check" in out


# ----- --explain -----

def test_explain_names_every_op(tmp_path):
    src = ("x = tensor([0.5, -1.0, 2.0], requires_grad=True)\n"
           "w = tensor([[1.0, 2.0, 3.0], [0.5, 0.5, 0.5]], requires_grad=True)\n"
           "h = tanh(w @ x)\n"
           "p = softmax(h)\n"
           "q = exp(x).mean() / (1 + sigmoid(x).sum())\n"
           "loss = -log(p[0]) + q - x.max() + sqrt(x * x + 1).sum()\n")
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert status == 0
    names = ["MvBackward0", "TanhBackward0", "SoftmaxBackward0", "SelectBackward0", "LogBackward0",
             "NegBackward0", "ExpBackward0", "MeanBackward0", "DivBackward0", "SigmoidBackward0",
             "SumBackward0", "AddBackward0", "SubBackward0", "MaxBackward1", "SqrtBackward0",
             "MulBackward0"]
    for name in names:
        assert re.search(rf"^\[\d+\] (\w+ = )?{name}  line \d+:\d+$", out, re.M), name
    # each op's formula comes from the ops table
    assert ops.TABLE["tanh"].formulas[0] in out
    assert ops.TABLE["softmax"].formulas[0] in out


def test_explain_folds_long_runs(tmp_path):
    src = "x = tensor(1.5, requires_grad=True)\ny = x\nfor i in range(3000):\n    y = sin(y) + y\ny\n"
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert status == 0
    steps = re.findall(r"^\[(\d+)\]", out, re.M)
    assert len(steps) == 23 and steps[19] == "20" and steps[-1] == "6000"
    assert re.search(r"^… 5977 steps not shown \(", out, re.M)
    assert "for i in range(3000): ran 3000 times" in out
    assert len(out.split("\n")) < 250


KINKS = """x = tensor([0.0, 1.0, -2.0, 1.0], requires_grad=True)
a = relu(x)
b = abs(x)
c = max(x)
d = clamp(x, min=-2.0, max=0.5)
e = sqrt(x * x)
f = maximum(x, tensor([0.0, 1.0, 3.0, 0.0]))
out = (a + b + c + d + e + f).sum()
"""


def test_explain_warns_at_kinks(tmp_path):
    status, out, _ = gradcli("run", script(tmp_path, KINKS), "--explain")
    assert status == 0
    warnings = "\n".join(section(out, "Warnings:"))
    assert "relu at 0 at line 2:5 `relu(x)` (1 element): relu'(0) is taken as 0" in warnings
    assert "abs at 0 at line 3:5 `abs(x)` (1 element): abs'(0) is taken as 0" in warnings
    assert "tie in max at line 4:5 `max(x)` (2 elements)" in warnings and "share" in warnings
    assert "clamp at a bound at line 5:5" in warnings and "bounds included" in warnings
    assert "sqrt at 0 at line 6:5 `sqrt(x * x)`" in warnings and "sqrt'(0) = inf" in warnings
    assert "tie in maximum at line 7:5" in warnings and "half" in warnings
    assert "backward: the gradient first becomes inf at step" in warnings


def test_explain_no_warnings_away_from_kinks(tmp_path):
    src = KINKS.replace("[0.0, 1.0, -2.0, 1.0]", "[0.25, 1.5, -1.0, 0.75]")
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert status == 0
    assert "Warnings:" not in out


def test_explain_names_where_nan_first_appears(tmp_path):
    src = ("x = tensor(-1.0, requires_grad=True)\n"
           "y = x * 2 + 1\n"
           "z = exp(x) + log(y)\n"
           "w = z * 3 + sqrt(z)\n"
           "w\n")
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert status == 0
    warnings = "\n".join(section(out, "Warnings:"))
    assert re.search(r"forward: nan first appears at line 3:14 `log\(y\)`: log made it from finite\s+"
                     r"inputs \(y = -1\.0\)", warnings), warnings


def test_explain_nan_entering_from_a_constant(tmp_path):
    src = "c = log(tensor(-2.0))\nx = tensor(3.0, requires_grad=True)\ny = x * 2\nz = y * c\nz\n"
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert re.search(r"forward: nan enters the graph at line 4:5 `y \* c` \(mul\) through its\s+input "
                     r"constant = nan", out)


def test_explain_output_without_graph():
    status, out, _ = gradcli("run", "-e", "x = 3\ny = x * 2", "--explain")
    assert status == 0
    assert "there is no backward pass through y" in out and "--wrt NAME" in out


def test_explain_with_branches(tmp_path):
    src = ("x = tensor([1.0, -2.0], requires_grad=True)\n"
           "y = x\n"
           "for i in range(4):\n"
           "    if i % 2 == 0:\n"
           "        y = y * 3\n"
           "    else:\n"
           "        y = y + 1\n"
           "y.sum()\n")
    status, out, _ = gradcli("run", script(tmp_path, src), "--explain")
    assert status == 0
    flow = "\n".join(section(out, "Control flow on this run:"))
    assert "line 3:1  for i in range(4): ran 4 times  (4 nodes of this graph)" in flow
    assert "line 4:5  if i % 2 == 0: true 2 times, false 2 times  (4 nodes of this graph)" in flow


# ----- --graph and graph(t) -----

def test_graph_of_a_long_loop_is_folded_under_the_line_cap(tmp_path):
    src = "x = tensor([1.0, 2.0], requires_grad=True)\ny = x\nfor i in range(5000):\n    y = y * 1.0001\ny\n"
    status, out, _ = gradcli("run", script(tmp_path, src), "--graph")
    assert status == 0
    tree = section(out, "Graph of y:")
    assert len(tree) <= G.MAX_LINES + 1
    assert any("… 4997 more MulBackward0 from line 4 (folded)" in l for l in tree)
    assert tree[-1].strip().endswith("x  leaf  shape (2,)  [1.0, 2.0]")


def test_graph_line_cap_on_a_wide_graph(tmp_path):
    # many different ops (no loop to fold): the drawing stops at the cap and says so
    body = "".join(f"t{i} = sin(x * {i + 1}) + t{i - 1}\n" if i else "t0 = sin(x)\n" for i in range(80))
    src = "x = tensor(0.5, requires_grad=True)\n" + body + "t79\n"
    status, out, _ = gradcli("run", script(tmp_path, src), "--graph")
    assert status == 0
    tree = section(out, "Graph of t79:")
    assert len(tree) <= G.MAX_LINES + 1
    assert "more inputs not drawn" in tree[-1] or any("deeper than" in l for l in tree)


def test_graph_draws_shared_nodes_once(tmp_path):
    status, out, _ = gradcli("run", TUTORIAL, "--seed", "0", "--graph", "--of", "out")
    tree = section(out, "Graph of out:")
    assert sum("y = AddBackward0" in l for l in tree) == 2
    assert any("↑ see y = AddBackward0 at line 4:5 (above)" in l for l in tree)


def test_graph_of_many_inputs(tmp_path):
    src = "x = tensor([1.0, 2.0], requires_grad=True)\ns = stack([x * 1, x * 2, x * 3, x * 4, x * 5, " \
          "x * 6, x * 7, x * 8, x * 9, x * 10, x * 11, x * 12]).sum()\n"
    status, out, _ = gradcli("run", "-e", src, "--graph")
    assert "… 5 more inputs" in out


def test_graph_of_a_very_deep_chain_is_quick(tmp_path):
    src = "x = tensor(1.0, requires_grad=True)\ny = x\nfor i in range(100000):\n    y = y + 1\ny\n"
    status, out, _ = gradcli("run", script(tmp_path, src), "--graph", "--dot", str(tmp_path / "g.dot"))
    assert status == 0
    assert "… 99997 more AddBackward0 from line 4 (folded)" in out


def test_graph_builtin_prints_like_print():
    src = "x = tensor([1.0, 2.0], requires_grad=True)\ny = (x * x).sum()\ngraph(y)\nz = 2\ngraph(z)\n"
    status, out, _ = gradcli("run", "-e", src, "--json")
    printed = json.loads(out)["printed"]
    assert printed[0] == "graph(y):"
    assert printed[1].startswith("y = SumBackward0  line 2:")
    assert any("x  leaf  shape (2,)  [1.0, 2.0]" in l for l in printed)
    assert "graph(z):" in printed and any("does not require grad" in l for l in printed)
    status, out, _ = gradcli("run", "-e", src)
    assert out.startswith("graph(y):\ny = SumBackward0")


def test_repl_graph_function():
    from gradcli.errors import GNameError, GTypeError
    from gradcli.run import make_session
    from rich.console import Console
    s = make_session({})
    s.run("x = tensor(2.0, requires_grad=True)\ny = x ** 3\nf = 'text'\n", "<stdin>")
    text = R.graph_text(G.repl_graph(s, "y"))
    assert text.startswith("Graph of y:\ny = PowBackward0  line 2:5  shape ()  8.0  with constant 3.0")
    with pytest.raises(GNameError):
        G.repl_graph(s, "nope")
    with pytest.raises(GTypeError):
        G.repl_graph(s, "f")
    assert Console  # the renderable is a rich one


def test_json_mode_prints_only_json(tmp_path):
    status, out, _ = gradcli("run", TUTORIAL, "--seed", "0", "--graph", "--explain", "--json")
    assert status == 0
    json.loads(out)


# ----- --dot -----

def test_dot_escapes_labels():
    assert R._dot_escape('a "b" \\ c\nd') == 'a \\"b\\" \\\\ c\\nd'


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
@pytest.mark.parametrize("src", [
    None,
    "x = tensor([1.0, 2.0], requires_grad=True)\ny = x\nfor i in range(5000):\n    y = y * 1.0001 + sin(x)\ny.sum()\n",
])
def test_dot_renders_with_graphviz(tmp_path, src):
    path = TUTORIAL if src is None else script(tmp_path, src)
    dot = tmp_path / "g.dot"
    status, _, err = gradcli("run", path, "--seed", "0", "--dot", str(dot))
    assert status == 0, err
    text = dot.read_text(encoding="utf-8")
    assert text.startswith("digraph gradcli {")
    assert text.count("[label=") <= G.MAX_DOT_NODES + 1
    svg = subprocess.run(["dot", "-Tsvg", str(dot)], capture_output=True, text=True, timeout=60)
    assert svg.returncode == 0, svg.stderr
    assert "<svg" in svg.stdout and "MulBackward0" in svg.stdout


def test_dot_labels_match_the_tree():
    from gradcli.lang.runtime import Output, Session
    s = Session()
    G.attach(s)
    s.run('x = tensor([1.0, 2.0], requires_grad=True)\ny = x * 3\n', "t.g")
    text = R.dot_text(G.dot_model(s.globals["y"], s, output=Output("y", s.globals["y"])))
    assert 'label="y = MulBackward0\\nline 2:5\\nshape (2,)  [3.0, 6.0]\\nwith constant 3.0"' in text
    assert 'label="x\\nleaf  shape (2,)  [1.0, 2.0]"' in text
    assert re.search(r"n2 -> n1;", text)


def test_dot_into_a_missing_folder_is_a_usage_error(tmp_path):
    # issue 15: a usage error of the command line (exit 2) naming the path, before the run
    # (it was a ValueError after the run, exit 1)
    path = tmp_path / "no" / "such" / "dir.dot"
    status, out, err = gradcli("run", "-e", "x = tensor(1.0, requires_grad=True)\nx * 2",
                               "--dot", str(path))
    assert status == 2 and out == ""
    assert str(path) in err


def test_value_formatting_helpers():
    from gradcli.render.explain import num
    assert num(np.full((10, 10), 0.25)) == "all 0.25, shape (10, 10)"
    assert num(np.float64(1.0)) == "1.0"
    assert R.const_text(np.float64(1.0001)) == "1.0001"


def test_check_accepts_the_convention_at_a_kink():
    # relu and abs at exactly 0: the one-sided slopes differ and the analytic value lies between
    src = "x = tensor([1.0, 0.0, -2.0])\ny = relu(x).sum() + abs(x).sum()\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "x", "--check")
    assert status == 0
    assert re.search(r"^  x      \[1\] .* kink$", out, re.M)
    assert "the slope is -1 on the left and 2 on the right" in out


def test_check_explains_a_graph_cut_by_detach():
    src = "x = tensor(2.0)\nz = (x * 3).detach() + x * 0\n"
    status, out, _ = gradcli("run", "-e", src, "--wrt", "x", "--check")
    assert status == 1
    assert "does not depend on x through the graph" in out


def test_check_skips_an_input_updated_in_place():
    src = ("w = tensor([1.0, 2.0])\n"
           "for i in range(3):\n"
           "    loss = (w * w).sum()\n"
           "    loss.backward()\n"
           "    with no_grad():\n"
           "        w -= 0.1 * w.grad\n"
           "    zero_grad(w)\n"
           "loss = (w * w).sum()\n")
    status, out, _ = gradcli("run", "-e", src, "--wrt", "w", "--check", "--json")
    assert status == 0
    c = json.loads(out)["check"]["w"]
    assert c["ok"] is True and c["skipped"] and c["max_abs_error"] is None


def test_check_of_an_empty_output():
    status, out, _ = gradcli("run", "-e", "x = tensor(2.0)\ny = x * zeros(0)\n", "--wrt", "x", "--check")
    assert status == 0
    assert "nothing to compare, the output is empty" in out
