"""Contract gaps found by using gradcli as a new user would (issue 10), through the real command
line: long flat postfix chains (§11), what `--check` says at kinks and jumps (§10), and Ctrl-C
early in a run (§10: one line, status 130)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from test_cli import gradcli, run_json  # noqa: E402


# ----- §11: a flat chain is not nesting, at any length -----

@pytest.mark.parametrize("link, grad_fn", [(".abs()", "AbsBackward0"), ("[0:3]", "SliceBackward0"),
                                           (".T", "PermuteBackward0")])
def test_ten_thousand_link_chain_runs(tmp_path, link, grad_fn):
    path = tmp_path / "chain.g"
    path.write_text("x = tensor([-1., 2., -3.])\ny = x" + link * 10_000 + "\n", encoding="utf-8")
    status, doc, _ = run_json(str(path), "--wrt", "x")
    assert status == 0, doc
    assert doc["output"]["name"] == "y"
    assert doc["variables"]["y"]["grad_fn"] == grad_fn
    if link == ".abs()":
        assert doc["output"]["value"] == [1.0, 2.0, 3.0]
        assert doc["gradients"]["x"] == [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]]
    else:
        assert doc["output"]["value"] == [-1.0, 2.0, -3.0]


def test_long_chain_with_graph_explain_and_an_error_at_its_end(tmp_path):
    path = tmp_path / "chain.g"
    path.write_text("x = ones(2)\ny = x" + ".abs()" * 10_000 + ".sum()\n", encoding="utf-8")
    proc = gradcli("run", str(path), "--wrt", "x", "--graph", "--explain")
    assert proc.returncode == 0, proc.stderr
    assert "dy/dx = tensor([1., 1.])" in proc.stdout
    path.write_text("x = ones(2)\ny = x" + ".abs()" * 10_000 + ".nope\n", encoding="utf-8")
    proc = gradcli("run", str(path))
    assert proc.returncode == 1
    assert proc.stderr.startswith("NameError: a tensor has no attribute 'nope'"), proc.stderr


def test_long_chain_calling_user_functions(tmp_path):
    """Links that run G code (a user function in an argument, itself running the chain)."""
    src = ("def f(v, n):\n"
           "    if n == 0:\n"
           "        return v\n"
           "    return v" + ".clamp(min=f(v, n - 1).min())" * 40 + "\n"
           "y = f(tensor([1., 2.]), 2) + tensor([1., 2.])" + "[0:2]" * 5_000 + "\n"
           "print(y)\n")
    proc = gradcli("run", "-e", src)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "tensor([2., 4.])\n", "")


def test_long_chain_in_piped_mode():
    proc = gradcli("--wrt", "x", input="x = ones(2)\nx" + "[0:2]" * 10_000 + ".sum()\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("tensor(2., grad_fn=<SumBackward0>)"), proc.stdout


def test_right_nested_chains_keep_the_limit():
    proc = gradcli("run", "-e", "y = 2" + "**1" * 10_000)
    assert proc.returncode == 1 and proc.stderr.startswith("LimitError:"), proc.stderr
    assert "--max-nesting N" in proc.stderr


# ----- §10: --check reports the real differences; kinks are listed and do not fail; jumps are jumps -----

def check_json(code):
    status, doc, _ = run_json("-e", code, "--wrt", "x", "--check")
    return status, doc["check"]["x"]


def test_check_reports_the_real_difference_at_a_kink():
    status, c = check_json("x = 0.0; y = relu(x)")
    assert status == 0
    assert c["ok"] is True
    assert c["max_abs_error"] == pytest.approx(0.5) and c["max_rel_error"] == pytest.approx(1.0)
    assert c["kinks"] == [[]]                 # the one element of a 0-d input
    assert "jumps" not in c


def test_check_lists_and_names_the_kink_elements():
    code = "x = tensor([1., 0., -2., 0.]); y = relu(x).sum() + x.sum()"
    status, c = check_json(code)
    assert status == 0 and c["ok"] is True
    assert c["kinks"] == [[1], [3]]
    assert c["max_abs_error"] == pytest.approx(0.5)
    proc = gradcli("run", "-e", code, "--wrt", "x", "--check")
    assert proc.returncode == 0, proc.stdout
    assert "2 kinks, at x[1], x[3]" in proc.stdout.replace("\n         ", " ")
    assert "x[1]: a kink" in proc.stdout and "x[3]: a kink" in proc.stdout
    assert "largest abs error 5.00e-01" in proc.stdout


def test_check_kink_of_a_matrix_input_and_a_smooth_elsewhere():
    status, c = check_json("x = tensor([[1., 0.], [2., 3.]]); y = (abs(x) * x + relu(x)).sum()")
    assert status == 0 and c["ok"] is True
    assert c["kinks"] == [[0, 1]]
    status, c = check_json("x = tensor([1., 2.]); y = (x * x).sum()")
    assert status == 0 and c == {**c, "ok": True, "kinks": []} and c["max_abs_error"] < 1e-6


@pytest.mark.parametrize("code", [
    "x = 1.0; y = floor(x * 10)",
    "x = 0.25; y = round(x * 2) + x",
    "x = 0.0\nif x >= 0:\n    y = x + 1\nelse:\n    y = x\n",
    "x = tensor([0.75, 1.0]); y = where(x > 0.75, x + 2, x).sum()",
], ids=["floor", "round", "branch", "where"])
def test_check_reports_a_jump_as_a_jump_not_a_cut_graph(code):
    status, c = check_json(code)
    assert status == 1 and c["ok"] is False
    assert c["jumps"] and c["kinks"] == []
    proc = gradcli("run", "-e", code, "--wrt", "x", "--check")
    assert proc.returncode == 1
    assert ": a jump — the output changes by" in proc.stdout, proc.stdout
    assert "cut it" not in proc.stdout and "does not depend on" not in proc.stdout, proc.stdout


def test_check_still_explains_a_graph_cut_by_detach():
    proc = gradcli("run", "-e", "x = tensor(2.0)\nz = (x * 3).detach() + x * 0\n", "--wrt", "x", "--check")
    assert proc.returncode == 1
    assert "does not depend on x through the graph" in proc.stdout
    assert "a jump" not in proc.stdout


# ----- §10: Ctrl-C is one line on stderr and status 130, however early it comes -----

def test_ctrl_c_while_the_command_line_is_imported():
    """SIGINT while `python -m gradcli` imports click and the command line (slow on a busy
    machine): the same single line as later, never Python's traceback."""
    code = ("import builtins, os, signal, sys\n"
            "real = builtins.__import__\n"
            "def hook(name, globals=None, locals=None, fromlist=(), level=0):\n"
            "    if name == 'cli' and level == 1:\n"
            "        os.kill(os.getpid(), signal.SIGINT)\n"
            "    return real(name, globals, locals, fromlist, level)\n"
            "builtins.__import__ = hook\n"
            "sys.argv = ['gradcli', 'run', '-e', 'while True: pass']\n"
            "import gradcli.__main__ as m\n"
            "m.main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (130, b"", b"interrupted\n")


def test_ctrl_c_while_a_command_starts_prints_no_blank_line(monkeypatch, capsys):
    """Ctrl-C before the run's own handler is in place (a command importing what it needs):
    click would print a blank line before our `interrupted`."""
    from gradcli import cli, run as runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(runner, "run_script", interrupted)
    with pytest.raises(SystemExit) as exit_info:
        cli.entry(["run", "-e", "1"])
    assert exit_info.value.code == 130
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "interrupted\n")


@pytest.mark.parametrize("code, reason", [
    ("x = 0.0; y = sqrt(x)", "x: the output is nan just left of this point (the edge of a"),
    ("x = tensor([0., 1.]); y = log(x).sum()", "x[1]: the output is -inf here: differences of it"),
])
def test_check_says_why_no_difference_exists(code, reason):
    """Where the output is not finite, or nan on one side only, the report says so (it used to
    print a bare DISAGREE, and call a 0-d input `x-`)."""
    proc = gradcli("run", "-e", code, "--wrt", "x", "--check")
    assert proc.returncode == 1
    assert reason in proc.stdout.replace("\n  ", " "), proc.stdout
    assert "x-" not in proc.stdout
