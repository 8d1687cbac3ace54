"""Write samples/tutorial.ipynb: the PyTorch autograd tutorial in `%%gradcli` cells, executed, with
its outputs saved (tests/test_notebook.py executes it again and compares).

    python scripts/tutorial_notebook.py            # needs ipykernel and nbclient (the test extra)

The kernel is this interpreter with this checkout first on its path, so the outputs are those of
the code beside this script. Random numbers are seeded (`--seed 0`), so the outputs repeat.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.notebook_kernel import execute  # noqa: E402  (the same kernel set-up as the tests)

CELLS = [
    ("md", "# The PyTorch autograd tutorial, in gradcli\n\n"
           "The cells of PyTorch's *Autograd: automatic differentiation* tutorial, run by gradcli "
           "in a notebook. `%load_ext gradcli` gives `%%gradcli` (a cell of G) and `%gradcli` "
           "(one line); the cells share one session, so names carry from cell to cell."),
    ("code", "%load_ext gradcli"),
    ("md", "Create a tensor and set `requires_grad=True` to track computation with it:"),
    ("code", "%%gradcli\nimport torch\nx = torch.ones(2, 2, requires_grad=True)\nprint(x)"),
    ("md", "Do an operation on it. `y` was created by an operation, so it has a `grad_fn`:"),
    ("code", "%%gradcli\ny = x + 2\nprint(y)\nprint(y.grad_fn)"),
    ("code", "%%gradcli\nz = y * y * 3\nout = z.mean()\nprint(z, out)"),
    ("md", "`.requires_grad_( ... )` changes an existing tensor's flag in place:"),
    ("code", "%%gradcli --seed 0\na = torch.randn(2, 2)\na = ((a * 3) / (a - 1))\n"
             "print(a.requires_grad)\na.requires_grad_(True)\nprint(a.requires_grad)\n"
             "b = (a * a).sum()\nprint(b.grad_fn)"),
    ("md", "## Gradients\n\nBackprop: `out` is a scalar, so `out.backward()` is "
           "`out.backward(torch.tensor(1.))`. A cell that ends with an expression shows its value:"),
    ("code", "%%gradcli\nout.backward()\nx.grad"),
    ("md", "gradcli can also report the gradient itself: `--wrt x` marks `x` (no "
           "`requires_grad=True` needed) and shows d out / d x in a table; `--graph` draws the "
           "graph that produced the output (an SVG picture where Graphviz is installed):"),
    ("code", "%%gradcli --wrt x --graph\nx = ones(2, 2)\ny = x + 2\nz = y * y * 3\nout = z.mean()"),
    ("md", "`--explain` walks the backward pass one node at a time: the source line, the "
           "chain-rule formula and the numbers that flow:"),
    ("code", "%%gradcli --wrt x --explain\nx = ones(2, 2)\ny = x + 2\nz = y * y * 3\nout = z.mean()"),
    ("md", "`--formula` gives the derivative itself, as a formula (LaTeX in a notebook); a "
           "`--wrt` name that nothing binds is a symbol:"),
    ("code", "%%gradcli --wrt t --formula\nf = t**2 * sin(t)"),
    ("md", "## Vector-Jacobian products\n\n`y` is no longer a scalar, so `backward` needs the "
           "vector `v`:"),
    ("code", "%%gradcli --seed 0\nx = torch.randn(3, requires_grad=True)\ny = x * 2\n"
             "while y.data.norm() < 1000:\n    y = y * 2\nprint(y)"),
    ("code", "%%gradcli\nv = torch.tensor([0.1, 1.0, 0.0001], dtype=torch.float)\ny.backward(v)\n"
             "print(x.grad)"),
    ("md", "Stop autograd from tracking history with `torch.no_grad()`, or use `.detach()`:"),
    ("code", "%%gradcli\nprint(x.requires_grad)\nprint((x ** 2).requires_grad)\n\n"
             "with torch.no_grad():\n    print((x ** 2).requires_grad)"),
    ("code", "%%gradcli\nprint(x.requires_grad)\ny = x.detach()\nprint(y.requires_grad)\n"
             "print(x.eq(y).all())"),
    ("md", "## One line at a time\n\n`%gradcli` runs one line, with the same options:"),
    ("code", "%gradcli --wrt w --set w=2.0 w ** 3 + sin(w)"),
    ("md", "A mistake shows as on the terminal — kind, place, caret, hint — and the session "
           "keeps its names:"),
    ("code", "%%gradcli\nw = x @ ones(2)"),
    ("code", "%gradcli x.shape"),
    ("md", "`%gradcli --reset` forgets every name."),
    ("code", "%gradcli --reset"),
]


def build():
    nb = new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = [new_markdown_cell(text) if kind == "md" else new_code_cell(text) for kind, text in CELLS]
    for i, cell in enumerate(nb.cells):      # stable ids: a regenerated file differs only where it should
        cell.id = f"cell-{i:02d}"
    return nb


def main():
    nb = execute(build())
    for cell in nb.cells:            # no run-dependent metadata in the committed file
        cell.metadata.pop("execution", None)
    path = ROOT / "samples" / "tutorial.ipynb"
    nbformat.write(nb, str(path))
    print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
