"""The interactive REPL: prompt_toolkit on a terminal, a plain `input()` loop on a dumb one.

The console is `console.Console`; this module reads entries, runs `:commands` and prints results
(their views come from `render/repl.py`). prompt_toolkit edits a whole entry at once (as ptpython
does): Enter runs it when `input.ready` says it is complete and otherwise opens a `... ` line,
indented after a `:`; a block is closed by an empty line (edit.py). History lives in
$XDG_STATE_HOME/gradcli/history.
"""
from __future__ import annotations

import os
import shlex
import shutil
import sys

from rich.console import Console as RichConsole
from rich.text import Text

from .. import __version__
from ..autograd.tensor import Tensor
from ..errors import ExitStatus, GradcliError, InternalError
from ..lang.values import Number
from ..render.values import to_text
from ..render import repl as views
from ..render.console import use_color
from ..render.diagnostics import did_you_mean, rich_error
from ..render.graph import graph_renderable
from ..render.tensors import format_tensor, summarize
from ..run import guard, make_session
from .console import Console, load_report, show_graph
from .edit import key_bindings, make_completer, make_history
from .edit import kind as _kind
from .input import ready

PS1, PS2 = ">>> ", "... "

COMMANDS = {
    ":help": ("", "this help"),
    ":vars": ("", "a table of the tensors bound: shape, requires_grad, grad_fn, grad"),
    ":graph": ("NAME", "the graph that produced NAME, as a tree"),
    ":wrt": ("NAME…", "also show d value / d NAME after each expression (--clear: stop)"),
    ":formula": ("NAME…", "also show d value / d NAME as a formula (:wrt NAME… and formulas; --off: stop)"),
    ":reset": ("", "forget every variable (a fresh session)"),
    ":load": ("FILE", "run a script into this session"),
    ":quit": ("", "leave (or Ctrl-D)"),
}
_ALIASES = {":q": ":quit", ":exit": ":quit", ":h": ":help", ":?": ":help"}

# The input's colours: the terminal's own ANSI palette, readable on dark and light backgrounds.
STYLE = {
    "prompt": "ansigreen bold", "continuation": "ansigreen",
    "pygments.keyword": "ansimagenta", "pygments.operator.word": "ansimagenta",
    "pygments.name.builtin": "ansiblue", "pygments.name.function": "ansiblue bold",
    "pygments.literal.number": "ansicyan", "pygments.literal.string": "ansigreen",
    "pygments.comment": "ansibrightblack italic", "pygments.generic.prompt": "ansiyellow bold",
}


# ----- the REPL: commands and rendering, whatever reads the input -----

class Repl:
    def __init__(self, opts, color: bool):
        self.opts = opts
        self.color = color
        kw = dict(highlight=False, emoji=False, markup=False)
        if not color:
            kw.update(color_system=None, no_color=True)
        self.out = RichConsole(file=sys.stdout, **kw)
        self.err = RichConsole(file=sys.stderr, **kw)
        self.wrt = tuple(opts.get("wrt") or ())
        self.formulas = bool(opts.get("formula") or opts.get("latex"))
        self.formula = None             # the FormulaRun of the session while formulas are on
        self.fixed_width = self.out.is_dumb_terminal or not self.out.is_terminal
        self.console: Console | None = None
        self.reset()

    # ----- the session -----
    def reset(self):
        session = make_session(self.opts, out=self.print_line,
                               on_graph=lambda s, t: show_graph(self.console, t, self.out.print))
        self.console = Console(session, "<repl>", self.show_value, self.show_error,
                               timeout=self.opts.get("timeout"))
        try:
            session.apply_sets(self.opts.get("sets"))
        except GradcliError as err:
            self.show_error(err, "")
        self.console.set_wrt(self.wrt)
        self._formula_on(self.formulas)

    def _formula_on(self, on):
        """Record the session's path and free symbols for formulas (insight/formula.py)."""
        if self.formula is not None:
            self.formula.stop()
            self.formula = None
        self.formulas = on
        if on:
            from ..insight.formula import FormulaRun       # here, for start-up time: :formula only
            self.formula = FormulaRun(self.session, self.opts)

    @property
    def session(self):
        return self.console.session

    def handle(self, text: str) -> bool:
        """Run one entry (code or a :command). Returns False to leave the REPL."""
        stripped = text.strip()
        if not stripped:
            return True
        if self.fixed_width:            # rich assumes 80 columns on a dumb terminal; ask
            self.out.width = self.err.width = max(20, shutil.get_terminal_size().columns)
        try:
            with guard():
                if stripped.startswith(":"):
                    return self.command(stripped)
                self.console.run_text(text)
        except KeyboardInterrupt:
            self.out.file.flush()
            self.err.file.write("\n")
            self.warn("KeyboardInterrupt: the session is as it was before this input")
        except InternalError as err:    # a bug of ours (in a :command) keeps the session
            self.warn(f"internal error: {err.message}")
        except GradcliError as err:
            self.show_error(err, "")
        return True

    # ----- commands -----
    def command(self, line: str) -> bool:
        name, _, arg = line.partition(" ")
        name = _ALIASES.get(name, name)
        arg = arg.strip()
        if name == ":quit":
            return False
        handler = getattr(self, "cmd_" + name[1:], None) if name in COMMANDS else None
        if handler is None:
            close = did_you_mean(name, list(COMMANDS))
            self.warn(f"unknown command {name}" + (f"; did you mean {close}?" if close else "")
                      + " (:help lists the commands)")
            return True
        handler(arg)
        return True

    def cmd_help(self, arg):
        for view in views.help_view(__version__, COMMANDS, self.out.width):
            self.out.print(view)

    def cmd_vars(self, arg):
        tensors = self.session.variables()
        others = {k: v for k, v in self.session.globals.items() if k not in tensors}
        if not tensors and not others:
            self.say("no variables yet")
            return
        rows = [(name, str(tuple(t.data.shape)), "True" if t.requires_grad else "False",
                 t.grad_fn.op.node_name if t.grad_fn is not None else "—", summarize(t.data),
                 "None" if t.grad is None else summarize(t.grad.data))
                for name, t in tensors.items()]
        if rows:
            self.out.print(views.vars_view(rows, self.out.width))
        if others:
            self.say("also: " + ", ".join(f"{k} ({_kind(v)})" for k, v in others.items()))

    def cmd_graph(self, arg):
        if not arg:
            self.warn("usage: :graph NAME")
            return
        try:
            from ..insight import graph as g       # here, for start-up time: :graph only
        except ImportError:
            self.warn("the graph view (gradcli.insight.graph) is not available in this build")
            return
        self.console.sync_sources()
        try:
            self.out.print(graph_renderable(g.repl_graph(self.session, arg)))
        except GradcliError as err:
            self.show_error(err, "")

    def cmd_wrt(self, arg):
        names = arg.replace(",", " ").split()
        if not names:
            self.say("wrt: " + (", ".join(self.wrt) if self.wrt else "(none)")
                     + " — :wrt NAME… sets it, :wrt --clear stops")
            return
        if names == ["--clear"]:
            names = []
        bad = [n for n in names if not n.isidentifier() or n.startswith("__")]
        if bad:
            self.warn(f"'{bad[0]}' is not a variable name")
            return
        self.wrt = tuple(dict.fromkeys(names))
        marked = self.console.set_wrt(self.wrt)
        if not self.wrt:
            self.say("wrt: (none)")
            return
        later = [n for n in self.wrt if n not in marked]
        msg = "wrt: " + ", ".join(self.wrt)
        if marked:
            msg += f" — marked now: {', '.join(marked)}"
        if later:
            msg += f" — marked when bound: {', '.join(later)}"
        self.say(msg)

    def cmd_formula(self, arg):
        names = arg.replace(",", " ").split()
        if names == ["--off"]:
            self._formula_on(False)
            self.say("formulas: off")
            return
        if names:
            self.cmd_wrt(arg)
        if not self.formula:
            self._formula_on(True)
        self.say("formulas of d value / d " + (", ".join(self.wrt) if self.wrt else
                                                "NAME: give the names with :formula NAME…")
                 + " — a name nothing binds is a free symbol")

    def cmd_reset(self, arg):
        self.reset()
        self.say("session reset: no variables" + (f" (wrt: {', '.join(self.wrt)})" if self.wrt else ""))

    def cmd_load(self, arg):
        if not arg:
            self.warn("usage: :load FILE")
            return
        try:
            parts = shlex.split(arg)
        except ValueError:
            parts = [arg]
        path = os.path.expanduser(parts[0] if len(parts) == 1 else arg)
        try:
            with open(path, "rb") as fh:
                source = fh.read().decode("utf-8", errors="surrogateescape")
        except OSError as exc:
            self.warn(f"cannot read {path}: {exc.strerror or exc}")
            return
        before = dict(self.session.globals)
        if self.console.run_file(source, path):
            self.say(load_report(path, before, self.session.globals))

    # ----- rendering -----
    def print_line(self, text: str):
        """What the script prints (print())."""
        self.out.file.write(text + "\n")
        self.out.file.flush()

    def show_value(self, value, grads, text):
        width = self.out.width
        free = self.formula is not None and self.formula.depends_on_free(value)   # no numbers
        if not free:
            self.out.print(views.value_view(value_text(value, width)), soft_wrap=True)
        if grads and not free:
            inner = views.gradient_width(grads, width)
            self.out.print(views.gradients_view([(name, value_text(g, inner))
                                                 for name, g in grads.items()]))
        if self.formula is not None:
            from ..render.formula import text_lines       # here, for start-up time: --formula only
            models = self.formula.for_value(value, grads)
            for line in text_lines(models or {}, None, self.formula.latex):
                self.out.print(views.formula_view(line), soft_wrap=True)

    def show_error(self, err, source):
        self.out.file.flush()
        self.err.print(rich_error(err, self.session.sources), soft_wrap=True)

    def say(self, text):
        self.out.print(Text(text, style="dim"))

    def warn(self, text):
        self.err.print(Text(text, style="yellow"))


def value_text(value, width: int) -> str:
    """`to_text`, with tensors wrapped to the terminal's width (PyTorch's linewidth, at most 80)."""
    if isinstance(value, Tensor) and type(value) is not Number:
        return format_tensor(value.data, requires_grad=value.requires_grad and value.grad_fn is None,
                             grad_fn_name=value.grad_fn.op.node_name if value.grad_fn else None,
                             linewidth=max(20, min(80, width)))
    return to_text(value)


# ----- the loops -----

def _banner(repl) -> str:
    text = f"gradcli {__version__} — :help for help, Ctrl-D to quit"
    if repl.wrt:
        text += f" — wrt {', '.join(repl.wrt)}"
    return text


def _prompt_loop(repl) -> int:
    # Here, for start-up time: a dumb terminal's loop needs no prompt_toolkit, no Pygments.
    from prompt_toolkit import PromptSession
    from prompt_toolkit.lexers import PygmentsLexer
    from prompt_toolkit.styles import Style

    from ..lexer import GLexer

    def continuation(width, line_number, is_soft_wrap):
        return "" if is_soft_wrap else [("class:continuation", PS2.rjust(width))]

    prompt = PromptSession(
        [("class:prompt", PS1)], multiline=True, prompt_continuation=continuation,
        lexer=PygmentsLexer(GLexer), completer=make_completer(repl, COMMANDS, _ALIASES),
        complete_while_typing=False, history=make_history(), key_bindings=key_bindings(),
        reserve_space_for_menu=6,
        style=Style.from_dict(STYLE), include_default_pygments_style=False,
        tempfile_suffix=".g", enable_open_in_editor=True)
    repl.say(_banner(repl))
    while True:
        try:
            text = prompt.prompt()
        except KeyboardInterrupt:
            continue                        # Ctrl-C at the prompt: a fresh line
        except EOFError:
            return ExitStatus.OK
        try:
            if not repl.handle(text):
                return ExitStatus.OK
        except KeyboardInterrupt:           # between the prompt and the run: nothing ran
            continue


def _plain_loop(repl) -> int:
    """A dumb terminal (TERM=dumb, an editor's shell): `input()` with the same prompts."""
    repl.say(_banner(repl))
    buffer: list[str] = []
    while True:
        try:
            line = input(PS2 if buffer else PS1)
        except KeyboardInterrupt:
            sys.stdout.write("\n")
            buffer = []
            continue
        except EOFError:
            sys.stdout.write("\n")
            if buffer:
                repl.handle("\n".join(buffer))
            return ExitStatus.OK
        if not buffer and line.strip().startswith(":"):
            if not repl.handle(line):
                return ExitStatus.OK
            continue
        buffer.append(line)
        text = "\n".join(buffer)
        if len(buffer) == 1 and not line.strip():
            buffer = []
            continue
        if ready(text):
            buffer = []
            repl.handle(text)


def _dumb() -> bool:
    return os.environ.get("TERM") in ("dumb", "unknown") or not sys.stdout.isatty()


def run_repl(opts) -> int:
    """The REPL on a terminal; returns the exit status (0 when left with Ctrl-D or :quit)."""
    dumb = _dumb()
    repl = Repl(opts, color=not dumb and use_color(sys.stdout))
    return _plain_loop(repl) if dumb else _prompt_loop(repl)


__all__ = ["run_repl", "Repl", "value_text", "COMMANDS"]
