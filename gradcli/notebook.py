"""The IPython extension (LANGUAGE.md §13): `%load_ext gradcli`, then `%%gradcli [options]` runs a
cell of G and `%gradcli [options] CODE` one line, with `run`'s options.

A notebook is one session, as the REPL is: names persist from cell to cell, `%gradcli --reset`
clears them, and an error ends the cell, never the session. Each cell goes through the pipeline
of `gradcli run` (`run.evaluate`, under `run.guard`), with the options of that cell; what
it shows is a few display objects, each with `_repr_html_` for Jupyter, `__repr__` for a console
and, where it means something, `_repr_latex_` or `_repr_svg_`:
- what the script prints, as it prints it (stream output);
- `Result`: the output and a table of gradients (with `--wrt`/`--of`), or the value of the
  cell's last line when it is an expression (as a Python cell shows it);
- `Graph` (`--graph`): an SVG picture drawn by Graphviz where `dot` is installed, else the tree;
- `Section` (`--explain`, `--check`): the terminal's text in its colours;
- `Diagnostic`: a G error as the terminal shows it (kind, message, place, caret, hint), never a
  Python traceback. It is displayed, not raised, so "Run All" goes on to the next cells, as it
  does after a failing `%%bash` cell.

The options are parsed by click with the very option definitions of `gradcli run`.
"""
from __future__ import annotations

import shlex
import sys

import click
from IPython.core.magic import Magics, line_cell_magic, magics_class
from IPython.display import display
from rich.text import Text

from . import cli
from .autograd import functions as fn
from .errors import GradcliError
from .insight import attach, fresh_seed, tracker_of
from .insight.graph import dot_model, graph_model
from .lang.runtime import FlowLog, Output
from .render.values import text_report, to_text
from .render import graphviz, html
from .render.diagnostics import rich_error
from .render.formula import latex_text, text_lines
from .render.graph import dot_text, graph_lines
from .run import Snapshot, evaluate, guard, make_session

__all__ = ["load_ipython_extension", "Notebook", "Result", "Graph", "Section", "Diagnostic"]


def load_ipython_extension(ipython):
    """`%load_ext gradcli`: register `%gradcli` / `%%gradcli` on this shell."""
    ipython.register_magics(GradcliMagics(ipython))


# ----- what a cell shows -----

class Result:
    """The output of a cell and its gradients (and their formulas, with --formula), or the value
    of its last expression."""

    def __init__(self, name, value, grads=None, formula=None):
        self.name, self.value, self.gradients = name, value, dict(grads or {})
        self.formula = formula if formula is not None and formula.models is not None else None

    @property
    def _free(self) -> bool:              # a --wrt name is a free symbol: no numbers to show
        return self.formula is not None and self.formula.free

    def _labels(self):
        return [(f"d{self.name or ''}/d{x}", _shape(g), to_text(g)) for x, g in self.gradients.items()]

    def __repr__(self):
        if self.name is None and not self.gradients and self.formula is None:
            return to_text(self.value)
        return "\n".join(text_report(Output(self.name, self.value), self.gradients, self.formula))

    def _repr_html_(self):
        if self.name is None and not self.gradients and self.formula is None:
            return html.pre(to_text(self.value))
        parts = [] if self._free else [html.result(self.name or "value", to_text(self.value),
                                                   self._labels())]
        if self.formula is not None:
            parts.append(html.formulas(self._formula_rows()))
        return "\n".join(parts)

    def _formula_rows(self):
        """(d out / d x in LaTeX, the formula in LaTeX or None, notes) per --wrt name."""
        rows = []
        for x, model in self.formula.models.items():
            lines = text_lines({x: model}, self.name)
            latex = None if model["expr"] is None else html.latex_array(model["expr"], latex_text)
            rows.append((self._dlatex(x), latex, lines[1:] if latex is not None else lines))
        return rows

    def _dlatex(self, x):
        top = rf"\partial {html.latex_name(self.name)}" if self.name else r"\partial"
        return rf"\frac{{{top}}}{{\partial {html.latex_name(x)}}}"

    def _repr_latex_(self):
        """`y = 3.637, dy/dx = <formula> = 1.973`; None where a tensor is too large to read."""
        parts = []
        if not self._free:
            value = html.latex_tensor(self.value.data) if hasattr(self.value, "data") else None
            if value is None:
                return None
            parts.append(f"{html.latex_name(self.name)} = {value}" if self.name else value)
        formulas = {}
        if self.formula is not None:
            formulas = {x: latex for x, (_, latex, _) in zip(self.formula.models, self._formula_rows())}
        for x in dict.fromkeys([*self.gradients, *formulas]):
            sides = [formulas[x]] if formulas.get(x) is not None else []
            if not self._free and x in self.gradients:
                grad = html.latex_tensor(self.gradients[x].data)
                if grad is None:
                    return None
                sides.append(grad)
            if sides:
                parts.append(" = ".join([self._dlatex(x), *sides]))
        return "$" + r",\quad ".join(parts) + "$" if parts else None


def _shape(t) -> str:
    return str(tuple(t.data.shape))


class Graph:
    """`--graph`: the output's graph, as an SVG picture (Graphviz) or as the terminal's tree."""

    def __init__(self, dot_text, lines):
        self.dot_text, self.lines = dot_text, lines
        self._svg = None

    def svg(self):
        """The picture, or None where Graphviz's `dot` is missing (or fails)."""
        if self._svg is None and self.dot_text is not None and graphviz.dot_program():
            try:
                self._svg = graphviz.svg_text(self.dot_text)
            except graphviz.GraphvizError:
                self._svg = ""
        return self._svg or None

    def _repr_svg_(self):
        return self.svg()

    def _repr_html_(self):
        if self.svg() is not None:
            return None               # the picture is the display; HTML would repeat it
        return html.rich_lines(self.lines)

    def __repr__(self):
        return "\n".join(line.plain for line in self.lines)


class Section:
    """A section of the terminal's report (`--explain`, `--check`) in its colours."""

    def __init__(self, kind, lines):
        self.kind, self.lines = kind, lines

    def _repr_html_(self):
        return html.rich_lines(self.lines)

    def __repr__(self):
        return "\n".join(line.plain for line in self.lines)


class Diagnostic:
    """A G error (or a usage error of the magic's options) as the terminal shows it."""

    def __init__(self, err=None, sources=None, text=None):
        self.err, self.sources, self.text = err, sources or {}, text

    def _rich(self):
        if self.err is None:
            return Text(self.text, style="red")
        return rich_error(self.err, self.sources)

    def _repr_html_(self):
        return html.rich_lines([self._rich()])

    def __repr__(self):
        return self._rich().plain


# ----- the session of a notebook -----

class Notebook:
    """One G session for one notebook: runs cells with their options, returns what to display.
    Needs no IPython: the magics below only parse options and display the results."""

    def __init__(self, out=None):
        self.out = out or _print
        self.session = None
        self.reset()

    def reset(self):
        """A fresh session: no names, no --wrt markings, no output."""
        self.session = make_session({}, out=self.out)
        attach(self.session)                   # leaf names for --graph, markings for --check
        self._echoed = None
        self.session.echo = self._echo

    def _echo(self, value, span):
        self._echoed = (value, span)

    def _configure(self, opts):
        """The options of one cell, on the session that lives on between cells."""
        s = self.session
        o = s.options
        o.of = opts.get("of")
        o.max_depth = s.max_depth = opts.get("max_depth") or o.max_depth
        o.max_nesting = opts.get("max_nesting") or o.max_nesting
        o.max_memory = fn.limits.max_bytes = opts.get("max_memory") or o.max_memory
        o.explain = bool(opts.get("explain"))
        s.flow = FlowLog() if o.explain else None
        s.set_wrt(opts.get("wrt") or ())
        tracker = tracker_of(s)               # --check: markings of this cell, names before it
        tracker.marks.clear()
        tracker.marked_data.clear()
        tracker.start = dict(s.globals)
        s.output = None                       # the output is this cell's
        self._echoed = None
        if opts.get("seed") is not None:
            fn.seed(opts["seed"])

    def run(self, source: str, opts: dict, filename: str = "<cell>") -> list:
        """Run `source` with the options of `gradcli run` (a dict as click makes it); return the
        objects to display. Errors come back as a Diagnostic; the session keeps its names."""
        opts = dict(opts)
        show_graph = opts.pop("show_graph", False)
        if opts.get("check") and opts.get("seed") is None:
            opts["seed"] = fresh_seed()        # the cell and --check's re-runs draw the same numbers
        n, base = 1, filename
        while filename in self.session.sources:     # two %gradcli lines in one Python cell
            n += 1
            filename = f"{base}#{n}"
        snapshot = Snapshot(self.session)
        try:
            cli.check_picture(opts.get("dot_file"))
        except click.UsageError as exc:
            return [Diagnostic(text=f"UsageError: {exc.format_message()}")]
        self._configure(opts)
        s = self.session
        try:
            with guard(opts.get("timeout")):
                run = evaluate(s, source, filename, opts, out=None)
                shown = self._shown(run, opts, show_graph)
        except GradcliError as err:
            err.__traceback__ = err.__context__ = err.__cause__ = None
            return [Diagnostic(err, dict(s.sources))]
        except KeyboardInterrupt:
            snapshot.restore(s)                # as the REPL: the cell is undone
            return [Diagnostic(text="interrupted: the cell was undone, the session is as before it")]
        finally:
            s.printed.clear()                  # a long notebook must not keep every printed line
        return shown

    def _shown(self, run, opts, show_graph) -> list:
        shown = []
        output, grads = run.output, run.grads
        if opts.get("wrt") or opts.get("of"):
            if output is not None:
                shown.append(Result(output.name, output.value, grads, run.formula))
        elif self._echoed is not None and run.program.body:
            value, span = self._echoed
            if span == run.program.body[-1].span:      # the cell ends with this expression
                shown.append(Result(None, value))
        if show_graph:
            shown.append(self._graph(output, grads))
        for kind, lines in run.insight.get("sections", ()):
            shown.append(Section(kind, lines))
        return shown

    def _graph(self, output, grads):
        s = self.session
        if output is None:
            return Graph(None, [Text("Graph: there is no output to draw; end the cell with an "
                                     "expression or an assignment, or name one with --of NAME")])
        lines = graph_lines(graph_model(output.value, s, grads, output))
        dot = dot_text(dot_model(output.value, s, grads, output)) if output.value.requires_grad else None
        return Graph(dot, lines)


def _print(text):
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# ----- the magics -----

def _options_command():
    """`run`'s options (the same click definitions), plus --reset."""
    @click.command(name="%%gradcli", context_settings={"help_option_names": ["-h", "--help"]},
                   add_help_option=True)
    @click.option("--reset", is_flag=True, help="Clear the session: forget every name.")
    @cli.common_options
    @cli.insight_options
    def options(**opts):
        """%%gradcli [OPTIONS] runs the cell's G code; %gradcli [OPTIONS] CODE runs one line."""
    return options


def parse_options(words: list[str]) -> dict:
    """click's parse of the magic's options. Raises click.ClickException (or click's Exit after
    --help, which click has printed)."""
    ctx = _options_command().make_context("%%gradcli", list(words))
    return ctx.params


def split_line(line: str) -> tuple[list[str], str]:
    """`%gradcli --wrt x --set 'w=2' x**2 + w` -> (the option words, the code after them).

    Leading words that begin with `--` (or are -h) are options, and so is the value after an
    option that takes one; the code is the rest of the line, untouched (`-x**2` is code). `--`
    alone ends the options, for code that starts with `--`."""
    command = _options_command()
    takes_value = {name for p in command.params if isinstance(p, click.Option) and not p.is_flag
                   for name in p.opts}
    lexer = shlex.shlex(line, posix=True, punctuation_chars=False)
    lexer.whitespace_split = True
    words = []
    rest = line.lstrip()
    while rest.startswith("--") or rest.split(None, 1)[:1] == ["-h"]:
        word = lexer.get_token()
        if word is None:
            break
        if word == "--":
            rest = line[lexer.instream.tell():].lstrip()
            break
        words.append(word)
        if word in takes_value:
            value = lexer.get_token()
            if value is None:
                raise click.UsageError(f"option {word} needs a value")
            words.append(value)
        rest = line[lexer.instream.tell():].lstrip()
    return words, rest


@magics_class
class GradcliMagics(Magics):
    """`%gradcli` and `%%gradcli` over one Notebook per shell."""

    def __init__(self, shell):
        super().__init__(shell)
        self.notebook = Notebook()

    @line_cell_magic
    def gradcli(self, line, cell=None):
        """Run G: `%%gradcli [OPTIONS]` (the cell) or `%gradcli [OPTIONS] CODE` (one line).
        Options as `gradcli run` (--wrt, --of, --set, --seed, --graph, --explain, --check,
        --dot …), and --reset to clear the session. `%gradcli --help` lists them."""
        try:
            if cell is None:
                words, code = split_line(line)
            else:
                words, code = shlex.split(line), "\n" + cell   # G's line 2 is the cell's line 2
            opts = parse_options(words)
        except click.exceptions.Exit:          # --help: click printed the help
            return None
        except click.ClickException as exc:
            display(Diagnostic(text=f"UsageError: {exc.format_message()}"))
            return None
        except ValueError as exc:              # shlex: an unclosed quote in the options
            display(Diagnostic(text=f"UsageError: the options of %gradcli: {exc}"))
            return None
        if opts.pop("reset"):
            self.notebook.reset()
        if not code.strip():
            if cell is None and not words:
                display(Diagnostic(text="UsageError: %gradcli [OPTIONS] CODE runs one line of G; "
                                        "%%gradcli [OPTIONS] runs a cell"))
            return None
        count = getattr(self.shell, "execution_count", None)
        filename = f"In[{count}]" if count is not None else "<cell>"
        for shown in self.notebook.run(code, opts, filename):
            display(shown)
        return None
