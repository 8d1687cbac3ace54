"""The REPL's views, as rich renderables: `:help` (the commands and a cheat sheet of the
language), `:vars`, and the table of gradients after a value. The REPL (`repl/ui.py`) prints them."""
from __future__ import annotations

from rich import box
from rich.highlighter import ReprHighlighter
from rich.table import Table
from rich.text import Text

CHEAT_SHEET = """\
x = ones(2, 2, requires_grad=True)   # a leaf that records a graph
y = (x + 2) ** 2; out = y.mean()
out.backward(); x.grad                # accumulates into .grad
grad(x.sum() ** 2, x)                 # d/dx without touching .grad
with no_grad(): x -= 0.1 * x.grad     # an SGD step, in place
def f(a, b=1):
    return sin(a) * b
jacobian(f, tensor([1., 2.]))         # also hessian, grad(f)
if x.sum() > 0: print("positive")     # also elif/else, while, for
"""


def cheat_sheet(width: int) -> str:
    """The examples; in a narrow terminal each comment goes on its own line, above its code."""
    lines = CHEAT_SHEET.rstrip().split("\n")
    if max(len(line) for line in lines) <= width:
        return "\n".join(lines)
    out = []
    for line in lines:
        code, sep, comment = line.partition("   #")
        if sep:
            out.append("#" + comment)
        out.append(code.rstrip())
    return "\n".join(out)


CHEAT_NOTES = [
    ("operators", "+ - * / @ % ** (also ^) · < <= > >= == != · and or not · a if c else b"),
    ("tensors", "t.grad t.grad_fn t.requires_grad t.shape t.T t.item() t.detach() t.sum(axis=0)"),
    ("creation", "tensor ones zeros full eye arange linspace rand randn seed"),
    ("functions", "exp log sin cos tanh sigmoid relu sum mean max norm softmax reshape stack cat"),
    ("autograd", "backward grad jacobian hessian no_grad zero_grad detach graph"),
]


def _two_columns(rows) -> Table:
    table = Table(show_header=False, box=None, padding=(0, 1), pad_edge=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for row in rows:
        table.add_row(*row)
    return table


def help_view(version: str, commands: dict, width: int) -> list:
    """`:help`: what the REPL is, its commands (name -> (arguments, what it does)), the keys,
    and the language in a nutshell."""
    # Here, for start-up time: the REPL's prompt does not wait for Pygments' styles.
    from rich.syntax import Syntax

    from ..lexer import GLexer
    keys = [("Tab", "complete names, attributes (x.gr → x.grad), commands"),
            ("Ctrl-C", "stop a running statement, or clear the line")]
    return [
        Text(f"gradcli {version} — PyTorch-style autograd, one statement at a time.", style="bold"),
        Text("Type G code (Python-like); an expression shows its value. A line ending in ':' "
             "opens a block; an empty line closes it.", style="dim"),
        _two_columns([(f"{cmd} {args}".rstrip(), what) for cmd, (args, what) in commands.items()]
                     + keys),
        Text("\nThe language in a nutshell:", style="bold"),
        Syntax(cheat_sheet(width), GLexer(), theme="ansi_dark", background_color="default",
               word_wrap=True),
        _two_columns(CHEAT_NOTES),
        Text("Full reference: docs/language.md; the REPL: docs/repl.md", style="dim"),
    ]


def vars_view(rows, width: int) -> Table:
    """`:vars`: rows of (name, shape, requires_grad, grad_fn, value, grad), as a table — or, in a
    narrow terminal, one block per variable."""
    if width >= 72:
        table = Table(box=box.ROUNDED, header_style="bold")
        for col in ("name", "shape", "requires_grad", "grad_fn", "value", "grad"):
            table.add_column(col, overflow="fold")
        for name, *rest in rows:
            table.add_row(Text(name, style="bold green"), *rest)
        return table
    table = Table(box=None, show_header=False, padding=(0, 1), pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for name, shape, req, fn_name, value, grad in rows:
        table.add_row(Text(name, style="bold green"), f"shape {shape}, requires_grad={req}")
        table.add_row("  grad_fn", fn_name)
        table.add_row("  value", value)
        table.add_row("  grad", grad)
    return table


def value_view(text: str):
    """A value's text, highlighted as rich highlights a repr."""
    return ReprHighlighter()(Text(text))


def gradients_view(rows) -> Table:
    """The table after a value: rows of (NAME, the text of d value / d NAME)."""
    table = Table(box=box.ROUNDED, show_header=True, header_style="bold")
    table.add_column("wrt", style="bold cyan", no_wrap=True)
    table.add_column("gradient", overflow="fold")
    for name, text in rows:
        table.add_row(f"d/d{name}", value_view(text))
    return table


def gradient_width(names, width: int) -> int:
    """The width of the gradient column, for tensors wrapped to fit it."""
    return max(20, width - (max(len(n) for n in names) + 3) - 7)   # 3 borders, 2 × 2 of padding


def formula_view(line: str) -> Text:
    """A line of the formulas: `d/dx = …` with its head in colour, notes dimmed."""
    head, sep, rest = line.partition(" = ")
    return Text(head, style="bold cyan") + Text(sep + rest) if sep else Text(line, style="dim")
