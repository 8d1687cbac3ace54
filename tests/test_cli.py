"""The command line (LANGUAGE.md §10), by subprocess: exit statuses, stdout vs stderr, options,
the JSON document, colour, and never a Python traceback."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

ANSI = "\x1b["


def env(**extra):
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    e["PYTHONIOENCODING"] = "utf-8"
    e.update(extra)
    return e


def gradcli(*args, input=None, cwd=None, **extra_env):
    """Run `python -m gradcli ARGS` (the installed `gradcli` is the same entry point)."""
    proc = subprocess.run([sys.executable, "-m", "gradcli", *args], input=input, capture_output=True,
                          encoding="utf-8", env=env(**extra_env), cwd=cwd, timeout=60)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout
    assert "InternalError" not in proc.stderr + proc.stdout, proc.stderr + proc.stdout   # a gradcli bug
    return proc


def run_json(*args, **kw):
    proc = gradcli("run", *args, "--json", **kw)
    assert proc.stderr == "", proc.stderr               # with --json nothing goes to stderr
    assert proc.stdout.endswith("\n") and proc.stdout.count("\n") == 1, proc.stdout
    return proc.returncode, json.loads(proc.stdout), proc.stdout


@pytest.fixture
def script(tmp_path):
    def make(text, name="s.g"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return str(path)
    return make


# ----- exit statuses and where output goes -----

def test_success_prints_to_stdout_only(script):
    proc = gradcli("run", script("x = 2\nprint(x * 3)\nprint('done')\n"))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "6\ndone\n", "")


def test_console_script_is_the_same_entry_point(script):
    proc = subprocess.run(["gradcli", "run", "-e", "print(1 + 1)"], capture_output=True, encoding="utf-8",
                          env=env(), timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "2\n", "")


def test_missing_file_is_a_usage_error(tmp_path):
    proc = gradcli("run", str(tmp_path / "nope.g"))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "nope.g" in proc.stderr


def test_bad_option_is_a_usage_error():
    proc = gradcli("run", "-e", "1", "--no-such-option")
    assert proc.returncode == 2 and proc.stdout == ""
    assert "--no-such-option" in proc.stderr


@pytest.mark.parametrize("args", [
    ["run"],                                  # neither FILE nor -e
    ["run", "x.g", "-e", "1"],                # both
    ["run", "-e", "1", "--seed", "abc"],      # not an integer
    ["run", "-e", "1", "--set", "novalue"],   # not NAME=EXPR
    ["run", "-e", "1", "--wrt", "not a name"],
    ["run", "-e", "1", "--max-depth", "0"],
    ["run", "-e", "1", "--max-memory", "lots"],
    ["no-such-command"],
])
def test_usage_errors_exit_2(args):
    proc = gradcli(*args)
    assert proc.returncode == 2, proc.stderr
    assert proc.stdout == ""
    assert proc.stderr.strip()


def test_script_error_exits_1_with_diagnostic_on_stderr(script):
    path = script("print('before')\ny = 1\nz = y + undefined_thing\nprint('after')\n")
    proc = gradcli("run", path)
    assert proc.returncode == 1
    assert proc.stdout == "before\n"
    first = proc.stderr.splitlines()[0]
    assert first == "NameError: name 'undefined_thing' is not defined"
    assert f"{path}:3:9" in proc.stderr
    assert "z = y + undefined_thing" in proc.stderr and "^" in proc.stderr


def test_syntax_error_exits_1_and_runs_nothing(script):
    proc = gradcli("run", script("print('never')\nx = (1 +\n"))
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith("SyntaxError: ")


@pytest.mark.parametrize("code, kind", [      # every kind is pinned in process by the goldens
    ("ones(2).backward()", "GradError"),
    ("ones(10**10)", "LimitError"),
])
def test_each_error_kind_exits_1(code, kind):
    proc = gradcli("run", "-e", code)
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.startswith(kind + ": "), proc.stderr


@pytest.mark.parametrize("code", ["\x00 = 1", "def f(): return f()\nf()", "(" * 1000])   # more in test_language
def test_hostile_inputs_never_show_a_traceback(code):
    proc = gradcli("run", "-", input=code)
    assert proc.returncode == 1, (code, proc.stderr)
    assert proc.stdout == ""
    assert proc.stderr.split(":")[0] in {"SyntaxError", "NameError", "TypeError", "ValueError",
                                         "IndexError", "LimitError", "ShapeError"}, (code, proc.stderr)


# ----- sources: FILE, -, -e -----

def test_stdin_as_file():
    proc = gradcli("run", "-", input="x = 3\nprint(x ** 2)\n")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "9\n", "")


def test_stdin_errors_name_stdin():
    proc = gradcli("run", "-", input="x = 3\ny = x + nope\n")
    assert proc.returncode == 1
    assert "<stdin>:2:9" in proc.stderr


def test_dash_e_code():
    proc = gradcli("run", "-e", "x = 3; print(x**2 + 1)")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "10\n", "")


def test_utf8_script_with_chinese_comment(script):
    proc = gradcli("run", script("# 中文注释\nprint('梯度')  # 注释\n"))
    assert (proc.returncode, proc.stdout) == (0, "梯度\n")


# ----- --wrt, --of, --set, --seed -----

def test_wrt_scalar_output_gradient_has_x_shape():
    code, doc, _ = run_json("-e", "x = tensor([[1., 2.], [3., 4.]])\nloss = (x ** 2).sum()", "--wrt", "x")
    assert code == 0
    assert doc["output"] == {"name": "loss", "value": 30.0, "shape": []}
    assert doc["gradients"] == {"x": [[2.0, 4.0], [6.0, 8.0]]}
    assert doc["variables"]["x"]["grad"] is None        # --wrt does not touch .grad


def test_wrt_vector_output_gives_jacobian_of_shape_s_plus_x():
    code, doc, _ = run_json("-e", "x = tensor([1., 2., 3.])\ny = stack([x.sum(), x[0] * x[2]])", "--wrt", "x")
    assert code == 0
    assert doc["output"]["shape"] == [2]
    assert doc["gradients"]["x"] == [[1.0, 1.0, 1.0], [3.0, 0.0, 1.0]]


def test_wrt_matrix_output_jacobian_shape():
    code, doc, _ = run_json("-e", "x = ones(2)\ny = outer(x, ones(3))", "--wrt", "x")
    assert code == 0
    import numpy as np
    assert np.array(doc["gradients"]["x"]).shape == (2, 3, 2)


def test_wrt_output_independent_of_x_gives_zeros():
    code, doc, _ = run_json("-e", "x = ones(3)\nc = 4\ny = c * 2", "--wrt", "x")
    assert code == 0
    assert doc["gradients"] == {"x": [0.0, 0.0, 0.0]}


def test_wrt_text_report():
    proc = gradcli("run", "-e", "x = 3; x**2 + 1", "--wrt", "x")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == "value = tensor(10., grad_fn=<AddBackward0>)\nd/dx = tensor(6.)\n"


def test_wrt_name_never_bound_is_name_error():
    proc = gradcli("run", "-e", "y = 2 * 3", "--wrt", "x")
    assert proc.returncode == 1 and proc.stdout == ""
    assert proc.stderr.startswith("NameError: ") and "x" in proc.stderr
    code, doc, _ = run_json("-e", "y = 2 * 3", "--wrt", "x")
    assert code == 1 and doc["ok"] is False and doc["error"]["kind"] == "NameError"


def test_wrt_name_bound_only_to_non_tensor_is_name_error():
    proc = gradcli("run", "-e", "x = 'text'\ny = 2", "--wrt", "x")
    assert proc.returncode == 1 and proc.stderr.startswith("NameError: ")


def test_wrt_is_repeatable():
    code, doc, _ = run_json("-e", "a = 2\nb = 5\np = a * b", "--wrt", "a", "--wrt", "b")
    assert code == 0
    assert doc["gradients"] == {"a": 5.0, "b": 2.0}
    assert list(doc["gradients"]) == ["a", "b"]


def test_of_names_the_output():
    code, doc, _ = run_json("-e", "a = 2\nq = a ** 3\nr = a + 1", "--wrt", "a", "--of", "q")
    assert code == 0
    assert doc["output"] == {"name": "q", "value": 8.0, "shape": []}
    assert doc["gradients"] == {"a": 12.0}


def test_of_name_never_bound_is_name_error():
    proc = gradcli("run", "-e", "a = 2", "--of", "zz")
    assert proc.returncode == 1 and proc.stderr.startswith("NameError: ") and "zz" in proc.stderr


def test_output_without_wrt_is_reported_in_json():
    code, doc, _ = run_json("-e", "a = 2\na * 4")
    assert doc["output"] == {"name": None, "value": 8.0, "shape": []}
    assert doc["gradients"] == {}
    code, doc, _ = run_json("-e", "print(1)")
    assert doc["output"] is None and doc["printed"] == ["1"]


def test_set_binds_before_the_script():
    proc = gradcli("run", "-e", "y = x ** 2", "--set", "x=2", "--wrt", "x")
    assert proc.returncode == 0
    assert proc.stdout == "y = tensor(4., grad_fn=<PowBackward0>)\ndy/dx = tensor(4.)\n"


def test_set_expression_with_seed_is_reproducible():
    args = ("-e", "y = (w * w).sum()", "--set", "w=randn(3)", "--seed", "0", "--wrt", "w")
    _, doc1, text1 = run_json(*args)
    _, doc2, text2 = run_json(*args)
    assert text1 == text2
    w = doc1["variables"]["w"]["value"]
    assert len(w) == 3
    assert doc1["gradients"]["w"] == pytest.approx([2 * v for v in w])
    _, doc3, _ = run_json("-e", "y = (w * w).sum()", "--set", "w=randn(3)", "--seed", "1", "--wrt", "w")
    assert doc3["variables"]["w"]["value"] != w


def test_seed_makes_script_randomness_reproducible():
    a = gradcli("run", "-e", "print(randn(2))", "--seed", "5").stdout
    b = gradcli("run", "-e", "print(randn(2))", "--seed", "5").stdout
    assert a == b and a.startswith("tensor([")


def test_set_error_is_reported():
    proc = gradcli("run", "-e", "y = x", "--set", "x=nope + 1")
    assert proc.returncode == 1
    assert proc.stderr.startswith("NameError: ")


# ----- the JSON document -----

TUTORIAL = ("x = ones(2, 2, requires_grad=True)\n"
            "out = ((x + 2) * (x + 2) * 3).mean()\n"
            "out.backward()\n"
            "print(x.grad)\n")


def test_json_document_byte_for_byte():
    code, doc, text = run_json("-e", TUTORIAL, "--wrt", "x", "--of", "out")
    assert code == 0
    assert text == (
        '{"ok": true, "output": {"name": "out", "value": 27.0, "shape": []}, '
        '"gradients": {"x": [[4.5, 4.5], [4.5, 4.5]]}, '
        '"variables": {"x": {"value": [[1.0, 1.0], [1.0, 1.0]], "shape": [2, 2], "requires_grad": true, '
        '"grad": [[4.5, 4.5], [4.5, 4.5]], "grad_fn": null}, '
        '"out": {"value": 27.0, "shape": [], "requires_grad": true, "grad": null, "grad_fn": "MeanBackward0"}}, '
        '"printed": ["tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])"]}\n')


def test_json_keys_in_contract_order():
    _, doc, _ = run_json("-e", "x = tensor([1., 2.])\ny = x * 2", "--wrt", "x")
    assert list(doc) == ["ok", "output", "gradients", "variables", "printed"]
    assert list(doc["output"]) == ["name", "value", "shape"]
    assert list(doc["variables"]["y"]) == ["value", "shape", "requires_grad", "grad", "grad_fn"]
    assert doc["variables"]["y"]["grad_fn"] == "MulBackward0"


def test_json_variables_hold_only_tensors():
    _, doc, _ = run_json("-e", "a = 1\nb = True\ns = 'x'\nl = [ones(2), ones(3)]\nt = (1, 2)\n"
                               "def f(): pass\nm = ones(2) > 0\nn = len([1, 2])\nfor i in range(2): pass\n"
                               "k = ones(2).sum().item()")
    assert set(doc["variables"]) == {"a", "n", "i", "k"}
    assert doc["variables"]["i"]["value"] == 1.0


def test_json_nonfinite_values_are_strings():
    _, doc, text = run_json("-e", "v = tensor([0., 1., -1.]) / 0\ns = log(0)")
    assert doc["variables"]["v"]["value"] == ["NaN", "Infinity", "-Infinity"]
    assert doc["output"]["value"] == "-Infinity"
    assert "NaN," not in text and "Infinity," not in text.replace('"Infinity",', "")


def test_json_error_document_with_line_and_column():
    code, doc, text = run_json("-e", "x = 1\nprint(x)\ny = x +  nope")
    assert code == 1
    assert text == ('{"ok": false, "error": {"kind": "NameError", "message": "name \'nope\' is not defined", '
                    '"line": 3, "column": 10}}\n')


def test_json_error_columns_count_characters():
    code, doc, _ = run_json("-e", "s = '中文'; t = 数")
    assert code == 1
    assert doc["error"]["kind"] in ("NameError", "SyntaxError")
    assert (doc["error"]["line"], doc["error"]["column"]) == (1, 15)


def test_json_syntax_error_document():
    code, doc, _ = run_json("-e", "x = 1\ny = (2,\n")
    assert code == 1
    assert doc == {"ok": False, "error": {"kind": "SyntaxError", "message": doc["error"]["message"],
                                          "line": 2, "column": 5}}


def test_json_printed_lines_and_nothing_else_on_stdout():
    code, doc, _ = run_json("-e", "print('a', 1)\nprint(eye(2))\nx = 2")
    assert doc["printed"] == ["a 1", "tensor([[1., 0.],", "        [0., 1.]])"]


# ----- colour -----

def test_no_ansi_when_not_a_tty():
    proc = gradcli("run", "-e", "x = 2; y = x ** 2\nprint(y)\nz = nope", "--wrt", "x")
    assert ANSI not in proc.stdout and ANSI not in proc.stderr
    proc = gradcli("run", "-e", "x = 2; y = x ** 2", "--wrt", "x", TERM="xterm")
    assert ANSI not in proc.stdout


def _run_tty(args, **extra_env):
    pty = pytest.importorskip("pty")
    mo, so = pty.openpty()
    me, se = pty.openpty()
    p = subprocess.Popen([sys.executable, "-m", "gradcli", *args], stdout=so, stderr=se,
                         stdin=subprocess.DEVNULL, env=env(TERM="xterm", **extra_env))
    os.close(so)
    os.close(se)

    def drain(fd):
        data = b""
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(fd)
        return data.decode("utf-8", "replace")
    out, err = drain(mo), drain(me)
    p.wait(timeout=30)
    return p.returncode, out, err


def test_colour_on_a_tty_and_no_colour_with_NO_COLOR():
    code, out, err = _run_tty(["run", "-e", "x = 2; y = x ** 2", "--wrt", "x"])
    assert code == 0 and ANSI in out
    code, out, err = _run_tty(["run", "-e", "x = 2; y = x ** 2", "--wrt", "x"], NO_COLOR="1")
    assert code == 0 and ANSI not in out and "dy/dx = tensor(4.)" in out
    code, out, err = _run_tty(["run", "-e", "y = nope"], NO_COLOR="1")
    assert code == 1 and ANSI not in err and "NameError" in err


# ----- entry points, help -----

def test_python_dash_m_and_help():
    proc = gradcli("--help")
    assert proc.returncode == 0 and proc.stderr == ""
    assert "Usage:" in proc.stdout and "run" in proc.stdout
    proc = gradcli("run", "--help")
    assert proc.returncode == 0
    for option in ("--wrt", "--of", "--set", "--seed", "--json", "-e"):
        assert option in proc.stdout


def test_version():
    proc = gradcli("--version")
    assert proc.returncode == 0 and "gradcli" in proc.stdout


# ----- piped mode (stdin not a terminal, no FILE) -----

def test_piped_mode_prints_one_line_per_expression():
    proc = gradcli("--wrt", "x", input="x = 2; x**3\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert len(lines) == 1 and "8" in lines[0] and "12" in lines[0]


def test_piped_mode_continues_after_an_error_and_exits_1():
    proc = gradcli(input="a = 2\na * 5\nb = nope\na + 1\n[1,\n 2]\n")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[:2] == ["10", "3"]
    assert "NameError" in proc.stderr and "<stdin>:3:" in proc.stderr


def test_piped_mode_json_writes_nothing_to_stderr():
    proc = gradcli("--json", "--wrt", "x", input="x = 2\nx ** 2\ny = nope\n")
    assert proc.returncode == 1 and proc.stderr == ""
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert docs[0]["ok"] is True and docs[0]["value"] == 4.0 and docs[0]["gradients"] == {"x": 4.0}
    assert docs[1]["ok"] is False and docs[1]["error"]["kind"] == "NameError"
    assert docs[1]["error"]["line"] == 3


# ----- interruption -----

@pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name != "posix", reason="POSIX signals")
@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_sigint_exits_130_with_one_line_on_stderr(extra):
    p = subprocess.Popen([sys.executable, "-m", "gradcli", "run", *extra, "-e", "i = 0\nwhile True: i += 1"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8", env=env())
    time.sleep(1.5)
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    assert p.returncode == 130
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_json_error_after_prints_is_one_document():
    code, doc, _ = run_json("-e", "print(1)\nprint(2)\nz = nope")
    assert code == 1 and set(doc) == {"ok", "error"} and doc["error"]["line"] == 3


def test_invalid_utf8_is_a_syntax_error_at_the_byte(tmp_path):
    path = tmp_path / "bad.g"
    path.write_bytes(b"x = 1\n# comment \xff\nprint(x)\n")
    proc = subprocess.run([sys.executable, "-m", "gradcli", "run", str(path)], capture_output=True,
                          env=env(), timeout=60)
    assert proc.returncode == 1 and proc.stdout == b""
    err = proc.stderr.decode("utf-8")
    assert err.startswith("SyntaxError: invalid UTF-8 byte 0xFF") and f"{path}:2:11" in err
    assert "Traceback" not in err


def test_directory_as_file_is_a_usage_error(tmp_path):
    proc = gradcli("run", str(tmp_path))
    assert proc.returncode == 2 and proc.stdout == ""


# ----- start-up: what a command imports (the cold start, issue 12) -----

def imported_modules(*args, status=0):
    """The modules `gradcli ARGS` imports, read from `python -X importtime` (run as the console
    script runs: cli.entry with the real argv), which exits with `status`."""
    code = f"import sys; sys.argv = ['gradcli', *{list(args)!r}]\nfrom gradcli.cli import entry\nentry()"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True,
                          encoding="utf-8", env=env(), cwd=os.path.dirname(os.path.dirname(__file__)),
                          timeout=60)
    assert proc.returncode == status, proc.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and line.count("|") == 2}


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["run", "--help"]])
def test_version_and_help_import_no_numpy(args):
    mods = imported_modules(*args)
    assert "click" in mods                       # the reading of importtime's output works
    assert not {m for m in mods if m.startswith(("numpy", "gradcli.autograd"))}, sorted(mods)


def test_a_run_imports_only_what_it_uses():
    mods = imported_modules("run", "samples/tutorial.g")
    assert "numpy" in mods and "gradcli.lang.parse" in mods
    unused = {"lark", "rich", "sympy", "prompt_toolkit", "pygments", "numpy.random", "hashlib",
              "gradcli.insight", "gradcli.repl", "dataclasses",
              # made lazy for the cold start (issue 11): --json, \N{...} escapes, jacobian/hessian,
              # torch.nn.functional, syntax errors' words, string literals; signal.py's enums
              "json", "gradcli.render.report", "gradcli.render.jsondoc", "unicodedata",
              "gradcli.autograd.functional", "gradcli.autograd.nn", "gradcli.lang.parse.messages",
              "gradcli.lang.parse.strings", "signal"}
    assert not mods & unused, sorted(mods & unused)


def test_lazy_parts_load_when_used():
    """What a plain run leaves out loads when a script needs it: torch.nn.functional, a string
    literal, a syntax error's words."""
    mods = imported_modules("run", "-e", 'import torch.nn.functional as F; print("a"); y = F.relu(ones(2))')
    assert {"gradcli.autograd.nn", "gradcli.lang.parse.strings"} <= mods
    mods = imported_modules("run", "-e", "y = (1 +", status=1)
    assert "gradcli.lang.parse.messages" in mods


def test_json_loads_for_json():
    """--json is where json and the JSON documents load (they are off a plain run's start path)."""
    mods = imported_modules("run", "--json", "samples/tutorial.g")
    assert {"json", "gradcli.render.report"} <= mods
