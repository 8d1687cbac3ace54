"""Notebooks (LANGUAGE.md §13): `%load_ext gradcli`, `%%gradcli` and `%gradcli` in a real Jupyter
kernel (nbclient), samples/tutorial.ipynb executed again, and the display objects in process."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("IPython")

from notebook_kernel import ROOT, execute  # noqa: E402

HAVE_DOT = shutil.which("dot") is not None


def text_of(output) -> str:
    if output["output_type"] == "stream":
        return output["text"]
    if output["output_type"] == "error":
        return "\n".join(output["traceback"])
    return output["data"].get("text/plain", "")


def cell(source):
    return nbformat.v4.new_code_cell(source)


# ----- importing gradcli never imports IPython -----

def test_importing_gradcli_and_running_a_script_never_import_ipython():
    code = ("import sys, gradcli, gradcli.cli, gradcli.run, gradcli.repl, gradcli.lexer\n"
            "from click.testing import CliRunner\n"
            "r = CliRunner().invoke(gradcli.cli.main, ['run', '-e', 'x = 2; x**2', '--wrt', 'x', '--graph'])\n"
            "assert r.exit_code == 0, r.output\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('IPython', 'ipykernel')))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
    assert hasattr(__import__("gradcli"), "load_ipython_extension")


# ----- a test notebook in a real kernel -----

@pytest.fixture(scope="module")
def run_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        cell("%load_ext gradcli"),                                                  # 0
        cell("%%gradcli\nx = ones(2, 2, requires_grad=True)\ny = x + 2\nprint(y.grad_fn)\ny"),  # 1
        cell("%%gradcli --wrt x --graph\nz = y * y * 3\nout = z.mean()"),            # 2
        cell("%%gradcli\nw = x * outt"),                                  # 3
        cell("%gradcli --wrt x (x * out).sum()"),                                   # 4
        cell("%%gradcli --explain --of out\nout.backward()"),                       # 5
        cell("%gradcli --reset"),                                                   # 6
        cell("%gradcli x"),                                                         # 7
        cell("%gradcli --nope 1"),                                                  # 8
        cell("%%gradcli --set 'k=[1.0, 2.0]' --wrt k --of s\ns = (k ** 2).sum()\nprint(s)"),  # 9
        cell("print('python still runs')"),                                         # 10
    ]
    return execute(nb).cells


def test_no_cell_fails_as_python(run_notebook):
    for c in run_notebook:
        for o in c.outputs:
            assert o["output_type"] != "error", text_of(o)
            assert "Traceback" not in text_of(o)


def test_printed_lines_are_stream_output_and_values_are_html(run_notebook):
    outs = run_notebook[1].outputs
    assert outs[0]["output_type"] == "stream" and outs[0]["name"] == "stdout"
    assert outs[0]["text"] == "<AddBackward0>\n"
    shown = outs[1]
    assert shown["output_type"] == "display_data"
    assert shown["data"]["text/plain"] == ("tensor([[3., 3.],\n        [3., 3.]], "
                                           "grad_fn=<AddBackward0>)")
    assert "<pre" in shown["data"]["text/html"] and "grad_fn=&lt;AddBackward0&gt;" in shown["data"]["text/html"]


def test_names_persist_and_gradients_show_in_a_table(run_notebook):
    outs = run_notebook[2].outputs
    result = outs[0]["data"]
    assert result["text/plain"] == ("out = tensor(27., grad_fn=<MeanBackward0>)\n"
                                    "dout/dx = tensor([[4.5000, 4.5000],\n"
                                    "                  [4.5000, 4.5000]])")
    assert "<table" in result["text/html"] and "dout/dx" in result["text/html"]
    assert "text/latex" in result and r"\begin{bmatrix}4.5 & 4.5 \\ 4.5 & 4.5\end{bmatrix}" in result["text/latex"]


def test_graph_is_an_svg_picture_where_dot_is_installed(run_notebook):
    graph = run_notebook[2].outputs[1]["data"]
    assert "Graph of out:" in graph["text/plain"] and "MeanBackward0" in graph["text/plain"]
    if HAVE_DOT:
        assert "image/svg+xml" in graph and "<svg" in graph["image/svg+xml"]
        assert "MeanBackward0" in graph["image/svg+xml"] and "text/html" not in graph
    else:
        assert "image/svg+xml" not in graph and "MeanBackward0" in graph["text/html"]


def test_an_error_shows_as_on_the_terminal_and_the_next_cells_run(run_notebook):
    outs = run_notebook[3].outputs
    assert len(outs) == 1
    text = outs[0]["data"]["text/plain"]
    assert text.startswith("NameError: name 'outt' is not defined")
    assert "--> In[4]:2:9" in text                       # the cell's own line 2, column 9
    assert " 2 | w = x * outt\n   |         ^~~~\n" in text
    assert "hint: did you mean `out`?" in text
    assert "Traceback" not in text
    assert "NameError" in outs[0]["data"]["text/html"]


def test_the_line_magic(run_notebook):
    data = run_notebook[4].outputs[0]["data"]
    assert data["text/plain"].startswith("value = tensor(108., grad_fn=<SumBackward0>)\nd/dx = ")
    assert "<table" in data["text/html"]


def test_explain_is_html(run_notebook):
    outs = run_notebook[5].outputs
    html = outs[-1]["data"]["text/html"]
    assert "Backward pass of out" in outs[-1]["data"]["text/plain"]
    assert "<pre" in html and "MeanBackward0" in html and "<span" in html


def test_reset_forgets_names(run_notebook):
    assert run_notebook[6].outputs == []
    text = run_notebook[7].outputs[0]["data"]["text/plain"]
    assert text.startswith("NameError: name 'x' is not defined")


def test_a_bad_option_is_a_usage_error(run_notebook):
    text = run_notebook[8].outputs[0]["data"]["text/plain"]
    assert text.startswith("UsageError: No such option '--nope'")


def test_set_and_of(run_notebook):
    outs = run_notebook[9].outputs
    assert outs[0]["text"] == "tensor(5., grad_fn=<SumBackward0>)\n"
    assert outs[1]["data"]["text/plain"] == ("s = tensor(5., grad_fn=<SumBackward0>)\n"
                                             "ds/dk = tensor([2., 4.])")
    assert run_notebook[10].outputs[0]["text"] == "python still runs\n"


# ----- samples/tutorial.ipynb -----

def _summary(cells):
    """Per code cell: each output's type, MIME types and plain text. A graph's MIME types depend
    on Graphviz being installed (and its SVG text on Graphviz's version): it counts as "graph"."""
    out = []
    for c in cells:
        if c.cell_type != "code":
            continue
        out.append([(o["output_type"], ["graph"] if text_of(o).startswith("Graph of") else
                     sorted(o.get("data", {})), text_of(o)) for o in c.outputs])
    return out


def test_the_tutorial_notebook_runs_and_its_saved_outputs_are_current():
    path = ROOT / "samples" / "tutorial.ipynb"
    saved = nbformat.read(str(path), as_version=4)
    fresh = execute(nbformat.read(str(path), as_version=4))
    got = _summary(fresh.cells)
    assert got == _summary(saved.cells)
    kinds = {m for c in got for _, mimes, _ in c for m in mimes}
    assert {"text/html", "text/plain", "text/latex", "graph"} <= kinds
    graphs = [o["data"] for c in fresh.cells if c.cell_type == "code" for o in c.outputs
              if text_of(o).startswith("Graph of")]
    assert graphs and all(("image/svg+xml" in g) == HAVE_DOT for g in graphs)
    texts = "\n".join(x for c in got for _, _, x in c)
    assert "<AddBackward0>" in texts and "Backward pass of out" in texts
    assert "ShapeError" in texts and "Traceback" not in texts


# ----- in process: the option parsing and the display objects -----

def test_split_line_keeps_the_code_as_written():
    from gradcli.notebook import split_line
    assert split_line("--wrt x --set 'w=randn(3)' x * w.sum()  # note") == \
        (["--wrt", "x", "--set", "w=randn(3)"], "x * w.sum()  # note")
    assert split_line("-x**2") == ([], "-x**2")
    assert split_line("--graph -- --x") == (["--graph"], "--x")
    assert split_line("--reset") == (["--reset"], "")


def test_a_notebook_session_in_process():
    from gradcli.notebook import Diagnostic, Notebook, Result
    printed = []
    nb = Notebook(out=printed.append)
    assert nb.run("a = 3.0\nb = a * 2", {}) == []                  # no expression at the end
    shown = nb.run("b ** 2", {"wrt": ("a",)})
    assert isinstance(shown[0], Result)
    shown = nb.run("print(b)\nb + 1\nc = 1", {})
    assert printed == ["6.0"] and shown == []
    err = nb.run("b +", {})[0]
    assert isinstance(err, Diagnostic) and repr(err).startswith("SyntaxError")
    assert nb.run("b", {})[0].value == 6.0                          # the error kept the names


def test_check_in_a_notebook_reruns_the_cell_from_the_names_before_it():
    from gradcli.notebook import Notebook, Section
    nb = Notebook(out=lambda text: None)
    assert nb.run("\nc = 3.0", {}) == []
    shown = nb.run("\na = 2.0\nb = a ** 2 * c", {"wrt": ("a",), "check": True}, "In[2]")
    text = repr(next(s for s in shown if isinstance(s, Section)))
    assert "db/da: the 1 element checked" in text and ": ok" in text   # c came from the cell before
    shown = nb.run("\nb = a ** 3 * c", {"wrt": ("a",), "check": True}, "In[3]")
    text = repr(next(s for s in shown if isinstance(s, Section)))
    assert "db/da not checked: a was bound before this code (in an earlier cell)" in text


def test_ops_of_other_cells_are_named_by_their_cell():
    from gradcli.notebook import Notebook
    nb = Notebook(out=lambda text: None)
    nb.run("\nx = tensor(2.0, requires_grad=True)\ny = x * 3", {}, "In[1]")
    graph = nb.run("\nz = y + 1", {"show_graph": True, "of": "z"}, "In[2]")[1]
    assert "z = AddBackward0  In[2] line 2:5" in repr(graph)
    assert "y = MulBackward0  In[1] line 3:5" in repr(graph)


def test_results_without_a_latex_form():
    from gradcli.notebook import Notebook
    nb = Notebook(out=lambda text: None)
    big = nb.run("ones(100)", {})[0]
    assert big._repr_latex_() is None and "tensor([1., 1., 1." in big._repr_html_()
    shape = nb.run("ones(2, 3).shape", {})[0]
    assert repr(shape) == "(2, 3)" and shape._repr_latex_() is None


def test_formulas_show_as_latex():
    pytest.importorskip("sympy")
    from gradcli.notebook import Notebook
    nb = Notebook(out=lambda text: None)
    free = nb.run("y = x**2 * sin(x)", {"wrt": ("x",), "formula": True})[0]
    assert repr(free) == "dy/dx = x**2*cos(x) + 2*x*sin(x)"          # a free symbol: no numbers
    assert free._repr_latex_() == (r"$\frac{\partial \mathrm{y}}{\partial \mathrm{x}} = "
                                   r"x^{2} \cos{\left(x \right)} + 2 x \sin{\left(x \right)}$")
    assert "$$" in free._repr_html_() and "<table" not in free._repr_html_()
    at = nb.run("v = tensor([1.0, 2.0])\nw = (v ** 3).sum()", {"wrt": ("v",), "formula": True})[0]
    assert repr(at).endswith("dw/dv = [3*v_0**2, 3*v_1**2]")
    assert at._repr_latex_().endswith(r"= \begin{bmatrix}3 v_{0}^{2} & 3 v_{1}^{2}\end{bmatrix} = "
                                      r"\begin{bmatrix}3 & 12\end{bmatrix}$")
    assert "<table" in at._repr_html_() and "3 v_{0}^{2} &amp; 3 v_{1}^{2}" in at._repr_html_()
