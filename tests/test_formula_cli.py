"""--formula from the command line (LANGUAGE.md §12), by subprocess as a user runs it: the text
report, the JSON object (each formula read back with sympify), free symbols, size refusals, and
a plain run that never imports SymPy."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from test_cli import gradcli, run_json

sp = pytest.importorskip("sympy")

x = sp.Symbol("x")


def test_formula_of_a_free_symbol_text():
    proc = gradcli("run", "-e", "y = x**2 * sin(x)", "--wrt", "x", "--formula")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    head, _, expr = proc.stdout.strip().partition(" = ")
    assert head == "dy/dx" and proc.stdout.count("\n") == 1
    assert sp.simplify(sp.sympify(expr) - (x**2 * sp.cos(x) + 2 * x * sp.sin(x))) == 0
    assert len(expr) <= len("x**2*cos(x) + 2*x*sin(x)")        # simplified, not a chain-rule product


def test_formula_after_the_gradients():
    proc = gradcli("run", "-e", "x = 2; y = x**3", "--wrt", "x", "--formula")
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["y = tensor(8., grad_fn=<PowBackward0>)", "dy/dx = tensor(12.)",
                                        "dy/dx = 3*x**2"]


def test_json_shape_and_sympify():
    status, doc, _ = run_json("-e", "x = 3; y = x; for i in range(10): y = y*2", "--wrt", "x", "--formula")
    assert status == 0
    f = doc["formula"]["x"]
    assert set(f) == {"expr", "latex", "valid_while", "valid_while_count", "verified"}
    assert sp.sympify(f["expr"]) == 1024 and f["verified"] is True and f["valid_while"] == []


def test_jacobian_of_formulas_in_the_symbols_of_elements():
    status, doc, _ = run_json("-e", "x = tensor([[1.0, 2.0], [3.0, 4.0]]); y = (x * x).sum(1)",
                              "--wrt", "x", "--formula")
    f = doc["formula"]["x"]
    assert status == 0 and f["verified"] is True
    J = [[[sp.sympify(e) for e in row] for row in m] for m in f["expr"]]     # shape (2, 2, 2)
    assert J[0][0][1] == 2 * sp.Symbol("x_0_1") and J[0][1][0] == 0 and J[1][1][1] == 2 * sp.Symbol("x_1_1")
    assert len(f["latex"]) == 2 and len(f["latex"][0]) == 2


def test_valid_while_lists_the_tests_that_chose_the_path():
    status, doc, _ = run_json("-e", "x = 3; y = x*2; while y < 1000: y = y*2", "--wrt", "x", "--formula")
    f = doc["formula"]["x"]
    assert sp.sympify(f["expr"]) == 512 and f["valid_while_count"] == 9
    conds = [sp.sympify(c) for c in f["valid_while"]]
    assert f["valid_while"][0] == "2*x < 1000" and f["valid_while"][-1] == "512*x >= 1000"  # and the exit
    assert all(c.subs(x, 3) for c in conds) and not all(c.subs(x, 0.5) for c in conds)


def test_latex_implies_formula():
    proc = gradcli("run", "-e", "y = sqrt(x) * exp(x)", "--wrt", "x", "--latex")
    assert proc.returncode == 0
    assert proc.stdout.startswith("dy/dx = ") and "\\sqrt{x}" in proc.stdout and "e^{x}" in proc.stdout


def test_kinks_follow_the_conventions_and_are_verified():
    status, doc, _ = run_json("-e", "x = 0.0; y = relu(x) + abs(x)", "--wrt", "x", "--formula")
    f = doc["formula"]["x"]
    assert sp.sympify(f["expr"]) == sp.sympify("Heaviside(x, 0) + sign(x)")
    assert f["verified"] is True and doc["gradients"]["x"] == 0.0


# ----- free symbols -----

def test_free_symbol_json_has_null_values():
    status, doc, _ = run_json("-e", "y = sin(x) * w", "--wrt", "x", "--wrt", "w", "--formula")
    assert status == 0
    assert doc["output"]["value"] is None and doc["gradients"] == {"x": None, "w": None}
    assert sp.sympify(doc["formula"]["x"]["expr"]) == sp.sympify("w*cos(x)")
    assert doc["formula"]["x"]["verified"] is None


def test_a_formula_too_large_to_evaluate_at_the_point_is_not_verified():
    # the value overflows to inf; evaluating exp(exp(e**29)) asks mpmath for more memory than
    # there is (a MemoryError, once the run's "out of memory" error): the formula stays, null
    status, doc, _ = run_json("-e", "x = 0.5\ny = x\nfor k in range(8): y = exp(y) - 1",
                              "--wrt", "x", "--formula")
    assert status == 0, doc
    assert doc["gradients"]["x"] is None or doc["gradients"]["x"] == "Infinity"
    f = doc["formula"]["x"]
    assert f["verified"] is None and f["expr"].startswith("exp(x)*exp(exp(x) - 1)")
    expr = sp.sympify(f["expr"])
    y, d = x, 1
    for _ in range(8):
        d, y = d * sp.exp(y), sp.exp(y) - 1
    assert abs(float(expr.subs(x, 0.01)) - float(d.subs(x, 0.01))) < 1e-9 * abs(float(d.subs(x, 0.01)))


@pytest.mark.parametrize("program,column", [
    ("y = x*2\nwhile y < 1000: y = y*2", 7),
    ("if x > 1:\n    y = x", 4),
    ("y = x.item() * 2", 5),
    ("y = ones(3)[x]", 5),
    ("y = zeros(x)", 5),
])
def test_free_symbol_value_needed_is_a_value_error_naming_set(program, column):
    status, doc, _ = run_json("-e", program, "--wrt", "x", "--formula")
    assert status == 1
    err = doc["error"]
    assert err["kind"] == "ValueError" and "--set x=VALUE" in err["message"]
    assert err["line"] is not None


def test_print_of_a_value_computed_from_a_free_symbol_shows_its_formula():
    # issue 13: it has no numbers, so print, repr and f-strings show it in the symbols, not nan
    program = ("y = x**2\nprint(y)\nprint(f'v={y} {x}')\nz = x * tensor([1.0, 0.5]) * w\n"
               "print(z, stack([z, z]))\ny")
    status, doc, _ = run_json("-e", program, "--wrt", "x", "--wrt", "w", "--set", "w=2", "--formula")
    assert status == 0, doc
    assert doc["printed"] == ["tensor(x**2, grad_fn=<PowBackward0>)", "v=x**2 x",
                              "tensor([2*x, x], grad_fn=<MulBackward0>) tensor([[2*x, x],",
                              "        [2*x, x]], grad_fn=<StackBackward0>)"]
    assert "nan" not in json.dumps(doc["printed"]) and doc["output"]["value"] is None
    status, doc, _ = run_json("-e", "y = sin(x)\nprint(f'{y:.3f}')", "--wrt", "x", "--formula")
    assert status == 1 and doc["error"]["kind"] == "ValueError" and doc["error"]["line"] == 2
    assert "--set x=VALUE" in doc["error"]["message"]
    proc = gradcli("--wrt", "x", "--formula", input="y = x**3\nprint(y)\nprint(f'{y / 2}')\n")
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.splitlines() == ["tensor(x**3, grad_fn=<PowBackward0>)", "x**3/2"]


def test_free_symbol_error_text_has_the_line():
    proc = gradcli("run", "-e", "y = x*2; while y < 1000: y = y*2", "--wrt", "x", "--formula")
    assert proc.returncode == 1 and "ValueError" in proc.stderr and "--set x=VALUE" in proc.stderr
    assert "^" in proc.stderr


def test_without_formula_an_unbound_wrt_is_still_a_name_error():
    status, doc, _ = run_json("-e", "y = x**2", "--wrt", "x")
    assert status == 1 and doc["error"]["kind"] == "NameError"


def test_set_gives_a_point_but_the_formula_stays_in_the_symbol():
    status, doc, _ = run_json("-e", "y = x**2 * sin(x)", "--wrt", "x", "--set", "x=2", "--formula")
    assert status == 0 and doc["formula"]["x"]["verified"] is True
    assert sp.sympify(doc["formula"]["x"]["expr"]).free_symbols == {x}


# ----- size -----

def test_trace_over_the_budget_is_refused_and_the_run_succeeds():
    status, doc, _ = run_json("-e", "x = 1.0; y = x; for i in range(50): y = sin(y)", "--wrt", "x",
                              "--formula", "--formula-max-ops", "20")
    assert status == 0 and doc["ok"]
    f = doc["formula"]["x"]
    assert f["expr"] is None and "50 ops" in f["reason"] and "--formula-max-ops" in f["reason"]
    assert isinstance(doc["gradients"]["x"], float)


def test_refusal_text():
    proc = gradcli("run", "-e", "x = 1.0; y = x; for i in range(30): y = y * x", "--wrt", "x",
                   "--formula", "--formula-max-ops", "10")
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[-1].startswith("dy/dx = (no formula: the trace has 30 ops")


# ----- cold start -----

def test_a_plain_run_does_not_import_sympy():
    code = ("import sys, io, contextlib\n"
            "from gradcli.run import run_script\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n"
            "    run_script('x = 2; y = sin(x) * x; if y > 0: y = y * 2', '<-e>', {'wrt': ('x',), 'check': True})\n"
            "print('sympy' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, encoding="utf-8", timeout=120)
    assert proc.stdout.strip() == "False", proc.stderr


# ----- piped mode and the REPL -----

def test_piped_lines_gain_the_formula():
    proc = gradcli("--wrt", "x", "--formula", input="x = 2\nx**3\nsin(x) * x\n")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].split("\t") == ["tensor(8., grad_fn=<PowBackward0>)", "d/dx = tensor(12.)", "d/dx = 3*x**2"]
    assert sp.sympify(lines[1].split("\t")[2].partition(" = ")[2]) == x * sp.cos(x) + sp.sin(x)


def test_piped_free_symbol_and_error_keeps_going():
    proc = gradcli("--wrt", "x", "--formula", input="x**2 * exp(x)\nif x > 0: y = 1\nx * 3\n")
    assert proc.returncode == 1
    first, second = proc.stdout.splitlines()
    assert sp.simplify(sp.sympify(first.partition("d/dx = ")[2]) - (x**2 + 2*x) * sp.exp(x)) == 0
    assert second == "d/dx = 3"
    assert "--set x=VALUE" in proc.stderr


def test_piped_json_lines_gain_formula():
    proc = gradcli("--wrt", "x", "--json", "--formula", input="x = 2\nx**3\n1 + 1\n")
    docs = [json.loads(line) for line in proc.stdout.splitlines()]
    assert sp.sympify(docs[0]["formula"]["x"]["expr"]) == 3 * x**2 and docs[0]["formula"]["x"]["verified"]
    assert docs[1]["gradients"] == {"x": 0.0} and docs[1]["formula"]["x"]["expr"] == "0"


def test_repl_formula_command():
    from test_repl import Repl
    import tempfile
    import pathlib
    r = Repl(pathlib.Path(tempfile.mkdtemp()))
    try:
        r.run("x = 2")
        out = r.run(":formula x w", timeout=30)
        assert "formulas of d value / d x, w" in out
        out = r.run("x**3 * 2", timeout=30)
        assert "tensor(16., grad_fn=<MulBackward0>)" in out and "d/dx = 6*x**2" in out
        out = r.run("w * x", timeout=30)             # w: free (nothing binds it), x at 2
        assert "d/dx = w" in out and "d/dw = x" in out and "tensor(" not in out
        r.run(":formula --off")
        assert "d/dx = " not in r.run("x * 5")
    finally:
        r.close()


def test_explain_with_formula_shows_local_derivatives_symbolically():
    proc = gradcli("run", "-e", "x = 2; y = x**2 * sin(x)", "--wrt", "x", "--explain", "--formula",
                   NO_COLOR="1")
    assert proc.returncode == 0
    lines = [line.strip() for line in proc.stdout.splitlines()]
    assert "formula   ∂/∂a = sin(x),  ∂/∂b = x**2" in lines
    assert "formula   ∂/∂x = cos(x)" in lines and "formula   ∂/∂a = 2*x" in lines
    plain = gradcli("run", "-e", "x = 2; y = x**2 * sin(x)", "--wrt", "x", "--explain", NO_COLOR="1")
    assert "formula   " not in plain.stdout


def test_latex_of_a_deep_negative_exponent_is_sympys_and_finishes():
    # SymPy's LaTeX printer asks `is_constant()` of each negative exponent: on exp(-exp(-…x)),
    # 99 deep (`y = exp(-y)` in a loop), that never finished; gradcli's split of the product
    # gives SymPy's own text
    from gradcli.render.formula import latex_text
    y, z = sp.symbols("y z", real=True)
    for e in (x**2 * sp.sin(x), 1 / (1 + sp.exp(-x)), sp.exp(-x) * x / 3, x**sp.Rational(-3, 2),
              2**(-x) * y, sp.exp(-x**2) / sp.sqrt(2 * sp.pi), (x + 1)**-2 * sp.cos(y) / 5, -x / (2 * y),
              x**(-y), z**(-2 * y) / 7):
        assert latex_text(e) == sp.latex(e)
    deep = x
    for _ in range(99):
        deep = sp.exp(-deep)
    text = latex_text(-deep * sp.exp(-x))
    assert text.count("e^{") == 100 and text.startswith("- e^{- x}")
