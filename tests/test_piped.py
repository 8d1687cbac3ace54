"""Piped mode (LANGUAGE.md §10): stdin not a terminal and no FILE — statements run as they
arrive, one result line per expression statement, like `bc`. By subprocess."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time

import pytest

from gradcli.repl import Console, Shape, one_line, ready
from gradcli.run import make_session


def env(**extra):
    e = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    e["PYTHONIOENCODING"] = "utf-8"
    e.update(extra)
    return e


def gradcli(*args, input=""):
    proc = subprocess.run([sys.executable, "-m", "gradcli", *args], input=input, capture_output=True,
                          encoding="utf-8", env=env(), timeout=60)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    return proc


class Producer:
    """A slow producer: writes a line, then waits for the answer before writing the next."""

    def __init__(self, *args):
        # Unbuffered: a buffered reader could take two answers at once and leave select() blind.
        self.p = subprocess.Popen([sys.executable, "-m", "gradcli", *args], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env(),
                                  bufsize=0)

    def send(self, text):
        self.p.stdin.write(text.encode())
        self.p.stdin.flush()

    def answer(self, timeout=10.0) -> str:
        ready_, _, _ = select.select([self.p.stdout], [], [], timeout)
        assert ready_, "no answer while stdin is still open"
        return self.p.stdout.readline().decode().rstrip("\n")

    def quiet(self, wait=0.3) -> bool:
        return not select.select([self.p.stdout], [], [], wait)[0]

    def close(self):
        self.p.stdin.close()
        out = self.p.stdout.read().decode()
        err = self.p.stderr.read().decode()
        self.p.wait(timeout=10)
        return self.p.returncode, out, err


# ----- answered as the lines arrive -----

def test_each_expression_is_answered_before_the_next_line_is_written():
    p = Producer()
    p.send("x = 2\n")
    assert p.quiet()                         # an assignment prints nothing
    p.send("x**3\n")
    assert p.answer() == "8"
    p.send("x + 0.5\n")
    assert p.answer() == "2.5"
    p.send("y = [1,\n")                      # an open bracket waits for its close
    assert p.quiet()
    p.send("2]\n")
    p.send("y * x\n")
    assert p.answer() == "tensor([2., 4.])"
    rc, out, err = p.close()
    assert (rc, out, err) == (0, "", "")


def test_a_block_is_answered_at_the_dedent_that_ends_it():
    p = Producer()
    p.send("x = 3\n")
    p.send("if x > 1:\n")
    p.send("    x * 10\n")
    assert p.quiet()                         # the block may go on (or meet an `else:`)
    p.send("else:\n")
    p.send("    x\n")
    assert p.quiet()
    p.send("x - 1\n")                        # a dedent: the block runs, then this line
    assert p.answer() == "30"
    assert p.answer() == "2"
    p.send("for i in range(2):\n    i\n\n")   # a blank line ends a block at once
    assert p.answer() == "0"
    assert p.answer() == "1"
    assert p.close()[0] == 0


def test_wrt_answers_value_and_gradient_on_one_line():
    p = Producer("--wrt", "x")
    p.send("x = 2\n")
    p.send("x**3\n")
    assert p.answer() == "tensor(8., grad_fn=<PowBackward0>)\td/dx = tensor(12.)"
    p.send("3 * ones(2) * x\n")             # a Jacobian, on one line
    assert p.answer() == ("tensor([6., 6.], grad_fn=<MulBackward0>)\td/dx = tensor([3., 3.])")
    p.send("7\n")                            # does not depend on x: zeros
    assert p.answer() == "7\td/dx = tensor(0.)"
    assert p.close()[0] == 0


def test_json_lines_are_answered_one_by_one_and_stderr_stays_empty():
    p = Producer("--json", "--wrt", "x")
    p.send("x = 2\n")
    p.send("x ** 2\n")
    doc = json.loads(p.answer())
    assert doc == {"ok": True, "input": "x ** 2", "value": 4.0, "gradients": {"x": 4.0}}
    p.send("y = nope\n")
    doc = json.loads(p.answer())
    assert doc["ok"] is False and doc["input"] == "y = nope"
    assert doc["error"] == {"kind": "NameError", "message": "name 'nope' is not defined",
                            "line": 3, "column": 5}
    p.send("x + 1\n")
    assert json.loads(p.answer())["value"] == 3.0
    rc, out, err = p.close()
    assert rc == 1 and out == "" and err == ""


# ----- errors -----

def test_an_error_mid_stream_names_its_line_and_the_rest_still_runs():
    src = "a = 2\na * 5\nif a > 1:\n    b = [1,\n         nope]\n\na + 1\n"
    proc = gradcli(input=src)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == ["10", "3"]
    assert "NameError: name 'nope' is not defined" in proc.stderr
    assert "<stdin>:5:10" in proc.stderr                  # the line in the whole input
    assert " 5 |          nope]" in proc.stderr            # and its text quoted
    assert "\x1b[" not in proc.stderr + proc.stdout       # no colour off a terminal


def test_syntax_errors_count_lines_of_the_whole_input():
    proc = gradcli(input="x = 1\n\n\nx = (1 +\n  2]\ny = 3\ny\nz = 1 +\ny * 2\n")
    assert proc.returncode == 1
    assert "<stdin>:5:4" in proc.stderr                   # the ']' that does not match '('
    assert "<stdin>:8:" in proc.stderr                    # `z = 1 +` at its own line
    assert proc.stdout.splitlines() == ["3", "6"]         # `y` and `y * 2` still ran


def test_every_failing_statement_is_reported_and_exit_is_1():
    proc = gradcli(input="1/0\nfoo\nones(2) + ones(3)\n2 + 2\n")
    assert proc.returncode == 1
    kinds = [line.split(":")[0] for line in proc.stderr.splitlines() if "Error:" in line]
    assert kinds == ["NameError", "ShapeError"]
    assert proc.stdout.splitlines() == ["inf", "4"]


def test_json_syntax_error_line():
    proc = gradcli("--json", input="x = 1\nx +\nx\n")
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d["ok"] for d in docs] == [False, True]
    assert docs[0]["error"]["kind"] == "SyntaxError" and docs[0]["error"]["line"] == 2
    assert proc.stderr == "" and proc.returncode == 1


# ----- multi-line input -----

def test_blocks_functions_and_else_elif():
    src = ("def f(a, b=2):\n"
           "    c = a * b\n"
           "# a comment line does not end the block\n"
           "    return c + 1\n"
           "f(3)\n"
           "x = 5\n"
           "if x < 0:\n"
           "    print('neg')\n"
           "elif x < 3:\n"
           "    print('small')\n"
           "else:\n"
           "    print('big')\n"
           "while x > 1:\n"
           "    x = x - 2\n"
           "\n"
           "x\n")
    proc = gradcli(input=src)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["7", "big", "1"]


def test_one_line_compound_statements_run_at_once():
    proc = gradcli(input="y = 1; while y < 100: y = y * 3\ny\nif y > 50: y\n")
    assert proc.stdout.splitlines() == ["243", "243"]


def test_backslash_and_brackets_continue():
    proc = gradcli(input="a = 1 + \\\n  2\na\nm = [[1, 2],\n\n     [3, 4]]\nm.sum()\n")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["3", "tensor(10.)"]


def test_multirow_tensors_print_on_one_line_and_print_works():
    proc = gradcli(input="x = ones(2, 2, requires_grad=True)\ny = x + 2\ny\nprint(y.grad_fn)\n"
                         "print('a', 1)\n")
    assert proc.stdout.splitlines() == ["tensor([[3., 3.], [3., 3.]], grad_fn=<AddBackward0>)",
                                        "<AddBackward0>", "a 1"]


def test_the_pytorch_tutorial_steps():
    proc = gradcli(input="x = ones(2, 2, requires_grad=True)\ny = x + 2\nz = y * y * 3\n"
                         "out = z.mean()\nout\nout.backward()\nx.grad\n")
    assert proc.stdout.splitlines() == ["tensor(27., grad_fn=<MeanBackward0>)",
                                        "tensor([[4.5000, 4.5000], [4.5000, 4.5000]])"]


def test_json_values_of_every_kind():
    proc = gradcli("--json", input="ones(2)\nTrue\n'h' + 'i'\n(1, 2)\nprint(3)\n")
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [d.get("value") for d in docs[:4]] == [[1.0, 1.0], True, "hi", [1.0, 2.0]]
    assert docs[4] == {"ok": True, "input": "print(3)", "printed": "3"}
    assert all("gradients" not in d for d in docs)


def test_json_multiline_print_is_one_object_per_line():
    # issue 15 point 11: docs/repl.md promised one object per printed line; a tensor over two
    # lines came out as one string holding a newline
    proc = gradcli("--json", input="print(ones(2, 2))\n")
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert docs == [{"ok": True, "input": "print(ones(2, 2))", "printed": "tensor([[1., 1.],"},
                    {"ok": True, "input": "print(ones(2, 2))", "printed": "        [1., 1.]])"}]


def test_set_and_wrt_marks_names_bound_later():
    proc = gradcli("--set", "w=3", "--wrt", "w", input="w * w\nw = 5\nw * w\n")
    assert proc.stdout.splitlines() == [
        "tensor(9., grad_fn=<MulBackward0>)\td/dw = tensor(6.)",
        "tensor(25., grad_fn=<MulBackward0>)\td/dw = tensor(10.)"]


def test_empty_input_and_blank_lines():
    assert gradcli(input="").returncode == 0
    proc = gradcli(input="\n\n   \n# a comment\n1 + 1  # two\n")
    assert (proc.returncode, proc.stdout) == (0, "2\n")


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_sigint_while_running_exits_130():
    p = Producer()
    p.send("1 + 1\n")
    assert p.answer() == "2"
    p.send("while True: pass\n")
    time.sleep(0.5)
    p.p.send_signal(signal.SIGINT)
    p.p.stdin.close()
    p.p.wait(timeout=10)
    assert p.p.returncode == 130
    assert p.p.stdout.read() == b""
    assert p.p.stderr.read().decode().strip() == "interrupted"


def test_timeout_applies_to_each_statement():
    proc = gradcli("--timeout", "0.3", input="while True: pass\n1 + 1\n")
    assert proc.returncode == 1
    assert "LimitError" in proc.stderr and "--timeout" in proc.stderr
    assert proc.stdout == "2\n"


# ----- the engine, in process -----

def test_shape_of_lines():
    assert Shape(["if x:"]).block and not Shape(["if x: y"]).block
    assert Shape(["f(1,"]).open and not Shape(["f(1,", "2)"]).open
    assert Shape(["a = 1 + \\"]).open
    assert not Shape(["s = '(' # ("]).open           # brackets in strings and comments
    assert not Shape(["t[1:"]).block                  # a ':' inside brackets opens nothing
    assert Shape(['s = """abc']).open and Shape(['"""', "# (not a comment", "if x:"]).open
    assert not Shape(['"""doc', 'more"""']).open and not Shape(['s = """a""" + \'(\''] ).open
    assert not Shape(['"""a \\""" b"""']).open           # an escaped quote does not close it
    assert not Shape(['"""doc', 'ends here:"""']).block


def test_piped_triple_quoted_strings_and_docstrings():
    proc = gradcli(input='"""A docstring\nover (lines\n"""\nx = f"""{1 +\n 2}!\n"""\nx\nlen(x)\n')
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "3!\n3\n", "")


def test_ready_for_the_repl():
    assert ready("x = 1") and ready("while x < 9: x = x * 2")
    assert not ready("if x:") and not ready("if x:\n    y = 1")
    assert ready("if x:\n    y = 1\n")                # the empty line closes the block
    assert not ready("f(1,") and not ready("a = \\")
    assert ready("x = 1 +")                           # an error now, not a wait
    assert ready("if x:\n    y = )")                  # a definite error inside a block


def test_console_keeps_state_across_errors_and_reports_spans():
    seen, errors = [], []
    s = make_session({})
    c = Console(s, on_value=lambda v, g, t: seen.append(t), on_error=lambda e, src: errors.append(e))
    for line in ["a = 2", "b = a +", "a * (", "  3)", "nope(a)"]:
        c.push(line + "\n")
    c.flush()
    assert seen == ["a * (\n  3)"]
    assert [e.span.line for e in errors] == [2, 5]
    assert s.globals["a"].item() == 2 and c.failed


def test_one_line():
    assert one_line("tensor([[1., 2.],\n        [3., 4.]])") == "tensor([[1., 2.], [3., 4.]])"
