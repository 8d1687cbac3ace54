"""The Session: globals, `--wrt` marking, limits, the output, and what a run printed.

A Session runs programs (a whole file, or REPL entries one after another) and records events —
printed lines, the output, the marked `--wrt` tensors — that `render/` turns into text or JSON.
It never formats or prints anything itself: its front end passes it callbacks (`out` for the
lines a script prints, `on_graph` for `graph(t)`), and runs it under `run.guard()`, which turns
what a run raises — a recursion or memory limit reached while the Session compiled (`run`,
`run_entry`) or executed (`_execute`, stopped at `site`) — into G errors.
"""
from __future__ import annotations

import sys

from .. import autograd as ag
from .. import limits
from ..autograd import functions as fn
from ..autograd.tensor import Tensor, const, mode
from ..errors import GNameError, GradcliError, GradError, GSyntaxError, LimitError, Span, quiet
from .builtins import BUILTINS, session_builtins
from .values import Number, type_name


class Options:
    """How a Session runs: --wrt, --of and the limits. (A plain class, not a dataclass: this
    module is on every cold start's import path.)"""

    __slots__ = ("wrt", "of", "max_depth", "max_nesting", "max_memory", "explain")

    def __init__(self, wrt: tuple = (), of: str | None = None, max_depth: int = 1000,
                 max_nesting: int = 200, max_memory: int = 4 << 30, explain: bool = False):
        self.wrt = wrt
        self.of = of
        self.max_depth = max_depth
        self.max_nesting = max_nesting
        self.max_memory = max_memory
        self.explain = explain     # record control flow (loops run, branches taken)

    def replace(self, **changes) -> Options:
        """A copy with some options changed."""
        return Options(**{**{k: getattr(self, k) for k in self.__slots__}, **changes})


class Output:
    """The script's output: the tensor, the name it was bound to (None for an expression) and
    where. Made on every top-level assignment, so as light as can be."""

    __slots__ = ("name", "value", "span")

    def __init__(self, name: str | None, value: Tensor, span: Span | None = None):
        self.name = name
        self.value = value
        self.span = span

    def __repr__(self):
        return f"Output(name={self.name!r}, value={self.value!r}, span={self.span!r})"


class FlowLog:
    """Loops run and branches taken, by source span (for --explain's control-flow summary)."""

    def __init__(self):
        self.loops: dict[Span, list[int]] = {}
        self.branches: dict[Span, list[int]] = {}

    def loop(self, span, n):
        self.loops.setdefault(span, []).append(n)

    def branch(self, span, taken):
        counts = self.branches.setdefault(span, [0, 0])
        counts[0 if taken else 1] += 1


class Session:
    """One interpreter state: run programs into it, then read its events and report."""

    def __init__(self, options: Options | None = None, out=None, on_graph=None):
        self.options = options or Options()
        self.globals: dict = {}
        self.sources: dict[str, str] = {}
        self.depth = 0
        self.max_depth = self.options.max_depth
        self.flow = FlowLog() if self.options.explain else None
        self.printed: list[str] = []
        self.out = out                      # called with each printed text as it happens
        self.on_graph = on_graph            # called with (session, t) for graph(t)
        # the name table of this session's scripts: print() and graph() call the two above
        self.builtins = session_builtins(self.print_text, self.show_graph)
        # the source place of the op running when an execution stopped: `run.guard()` reports
        # a limit reached there
        self.site = None
        # The output: an Output, or the (name, value, span) it is made of when the output is
        # read (a top-level loop rebinds it on every iteration: a tuple is cheaper than an Output)
        self.last_output: Output | tuple | None = None
        self.wrt = set(self.options.wrt)
        self.marked: dict[str, Tensor] = {}
        self.echo = None                    # REPL/piped: called with (value, span) per expression
        # called with (name, value) after each top-level binding (insight: --check perturbs the
        # marked input there, --graph learns the names of leaves)
        self.bind_hook = None
        # --formula: called with a --wrt NAME that nothing bound when the run reads it, returns
        # the free symbol NAME stands for (LANGUAGE.md §12); None: such a name is a NameError
        self.free_symbol = None
        limits.max_bytes = self.options.max_memory
        # Each G call is a handful of Python frames; allow the G depth limit to be the one hit.
        sys.setrecursionlimit(min(max(sys.getrecursionlimit(), 40 * self.max_depth + 10_000),
                                  2**31 - 1))        # (a C int: --max-depth 10**9 must not overflow)

    # ----- running -----
    def run(self, source: str, filename: str = "<input>"):
        """Parse, compile and run a program in this session. Raises GradcliError."""
        # Here, for start-up time: a Session is made (the REPL's prompt shown) before any parsing.
        from .compiler import compile_program
        from .parse import parse
        if isinstance(source, str) and source.startswith("\ufeff"):
            source = source[1:]         # a UTF-8 BOM: not part of the first line a diagnostic quotes
        self.sources[filename] = source
        program = parse(source, filename, max_nesting=self.options.max_nesting)
        code = compile_program(program, self, source)
        self._execute(code)
        return program

    def run_entry(self, source: str, filename: str, first_line: int = 1):
        """Run one REPL or piped entry whose first line is line `first_line` of the input."""
        from .compiler import compile_program   # here, for start-up time (as in `run`)
        from .parse import parse
        program = parse(source, filename, max_nesting=self.options.max_nesting,
                        first_line=first_line)
        code = compile_program(program, self, source, first_line)
        self._execute(code)

    def _execute(self, code):
        mode.enabled = True
        keep = mode.keep
        mode.keep = True                # nodes keep every input: --graph/--explain show them
        limits.running = True           # the memory watchdog may stop this code, and only it
        try:
            with quiet():               # IEEE arithmetic, no warnings (§5): a host may not quiet them
                code()
        finally:
            self.site = mode.site       # where a limit stopped the code, if one did
            limits.running = False
            mode.enabled = True
            mode.keep = keep
            mode.site = None
            self.depth = 0

    @property
    def output(self) -> Output | None:
        out = self.last_output
        if type(out) is tuple:
            out = self.last_output = Output(*out)
        return out

    @output.setter
    def output(self, value: Output | None):
        self.last_output = value

    def release(self, collect=True):
        """Drop every value the session holds (after a failed run, before reporting it);
        `collect`: also run the cyclic collector (after running out of memory: closures and
        recursive functions hold values in reference cycles)."""
        self.globals.clear()
        self.output = None
        self.marked.clear()
        if collect:
            import gc
            gc.collect()

    def print_text(self, text):
        """What the script prints (print(), graph(t)): recorded, and passed to `out`."""
        self.printed.extend(text.split("\n"))
        if self.out is not None:
            self.out(text)

    def show_graph(self, t):
        """graph(t): the front end's `on_graph` shows it (nothing without one)."""
        if self.on_graph is not None:
            self.on_graph(self, t)

    def name_of(self, t):
        """The top-level name bound to tensor t, if any."""
        for k, v in self.globals.items():
            if v is t:
                return k
        return None

    # ----- called by compiled code -----
    def bind_top(self, name, value, statement, span):
        if name in self.wrt and isinstance(value, Tensor) and value.grad_fn is None:
            if not value.requires_grad:
                value = const(value.data)
                try:
                    value.requires_grad_(True)
                except GradcliError as err:      # a boolean tensor: say where it was bound
                    raise err.at(span) from None
            self.marked[name] = value
        elif type(value) is Tensor and value.grad_fn is not None and value.grad_fn.name is None:
            value.grad_fn.name = name
        self.globals[name] = value
        if self.bind_hook is not None:
            self.bind_hook(name, value)
        if statement and isinstance(value, Tensor):
            self.last_output = (name, value, span)

    def updated_in_place(self, name, value, span):
        """A top-level `name op= …` updated the leaf `value` in place (the SGD step under
        no_grad): like an assignment, the statement's tensor is the output (§10)."""
        self.output = Output(name, value, span)

    def expression_value(self, value, span):
        if isinstance(value, Tensor):
            self.output = Output(None, value, span)
        if self.echo is not None and value is not None:
            self.echo(value, span)

    def set_wrt(self, names) -> list[str]:
        """Change the --wrt names of a live session (the REPL's `:wrt`, a notebook cell's
        --wrt): names bound from now on are marked, and a name already bound to a leaf tensor
        is marked now. Returns the names marked now."""
        names = tuple(dict.fromkeys(names))
        self.wrt = set(names)
        self.options.wrt = names
        for name in list(self.marked):
            if name not in self.wrt:
                del self.marked[name]
        marked = []
        for name in names:
            value = self.globals.get(name)
            if isinstance(value, Tensor) and value.grad_fn is None and value.data.dtype.kind == "f":
                self.bind_top(name, value, False, None)
                marked.append(name)
        return marked

    @quiet()          # numpy work a host (a notebook) may call outside a run: no warnings (§11)
    def apply_sets(self, sets):
        """--set NAME=EXPR, each evaluated as an expression in the session, then bound."""
        for name, expr in sets or ():
            self._set_one(name, expr)

    def _set_one(self, name, expr):
        # Here, for start-up time (as in `run`)
        from . import ast as A
        from .compiler import Compiler
        from .semantics import bind_value
        from .parse import parse
        filename = f"<--set {name}>"
        self.sources[filename] = expr
        program = parse(expr, filename, max_nesting=self.options.max_nesting)
        if len(program.body) != 1 or not isinstance(program.body[0], A.ExprStmt):
            raise GSyntaxError(f"--set {name}=EXPR needs one expression", program.span)
        value = Compiler(self, expr.split("\n")).expr(program.body[0].value)(None)
        if isinstance(value, list):
            value = bind_value(value)
        self.set_variable(name, value)

    def set_variable(self, name, value):
        """--set NAME=EXPR: bind before the script runs (marked like any top-level binding)."""
        self.bind_top(name, value, False, None)

    def unknown_name(self, name, span):
        from ..render.diagnostics import did_you_mean     # here, for start-up time: rich
        close = did_you_mean(name, list(self.globals) + [n for n in BUILTINS])
        if len(name) > 80:                  # the caret shows which one; keep the message readable
            name = f"{name[:40]}…{name[-20:]}"
        if name in self.wrt:
            hint = unbound_wrt_hint(name)
        else:
            hint = f"did you mean `{close}`?" if close else None
        return GNameError(f"name '{name}' is not defined", span, hint=hint)

    def at_call(self, err, span, user_call):
        """An error leaving a call site: the call joins the trace if the error came from inside."""
        if err.span is None:
            err.span = span
        elif err.span != span:
            err.trace.insert(0, span)
        return err

    # ----- results -----
    def result_output(self) -> Output | None:
        """The tensor to differentiate: --of NAME, or the last top-level tensor statement."""
        name = self.options.of
        if name is not None:
            if name not in self.globals:
                raise GNameError(f"--of {name}: the run never bound '{name}'")
            value = self.globals[name]
            if not isinstance(value, Tensor):
                raise GradError(f"--of {name}: '{name}' is {type_name(value)}, not a tensor")
            return Output(name, value)
        return self.output

    @quiet()
    def gradients(self, output: Output | None) -> dict:
        """d output / d NAME for each --wrt NAME (a Jacobian for a non-scalar output)."""
        grads = {}
        for name in self.options.wrt:
            x = self.marked.get(name)
            if x is None:
                value = self.globals.get(name)
                if isinstance(value, Tensor) and value.grad_fn is not None:
                    raise GradError(f"--wrt {name}: '{name}' is only ever computed from other "
                                    f"tensors (it has a grad_fn); --wrt marks inputs, tensors "
                                    f"without a grad_fn — differentiate w.r.t. those")
                raise GNameError(f"--wrt {name}: the run never bound '{name}' to a tensor",
                                 hint=unbound_wrt_hint(name))
            if output is None:
                raise GradError("there is no output to differentiate: end the script with an "
                                "expression or an assignment, or name one with --of NAME")
            y = output.value
            if y.data.dtype.kind == "b":
                raise GradError("the output is a boolean tensor: it has no gradient")
            grads[name] = derivative(y, x)
        return grads

    def value_gradients(self, value) -> dict:
        """d value / d NAME for each --wrt NAME bound to a tensor so far, for the value of an
        expression statement (the REPL and piped mode show them): zeros where the value does
        not depend on NAME, nothing for a value that is not a number tensor."""
        if not isinstance(value, Tensor) or value.data.dtype.kind == "b" or not self.marked:
            return {}
        marked = self.marked
        return {name: derivative(value, marked[name]) for name in self.options.wrt if name in marked}

    def variables(self) -> dict:
        """Top-level names bound to (non-boolean) tensors, for JSON and :vars."""
        return {k: v for k, v in self.globals.items()
                if isinstance(v, Tensor) and v.data.dtype.kind != "b"}


__all__ = ["Session", "Options", "Output", "FlowLog", "Number", "derivative"]


def derivative(y, x):
    """d y / d x: the gradient of a scalar y, the Jacobian of any other — the one gradient
    computation of `run`, the REPL, piped mode and notebooks."""
    return ag.jacobian(y, x) if y.data.size != 1 or y.data.ndim else ag.grad(y, x)


def unbound_wrt_hint(name):
    """A `--wrt NAME` the script never binds: give it a value, or ask for the formula in NAME."""
    return (f"--wrt {name} marks {name} where the script binds it; give it a value with "
            f"--set {name}=VALUE, or add --formula for d/d{name} as a formula in {name}")


def memory_limit_error(max_bytes):
    return LimitError(f"out of memory: the run needs more than the memory limit of {limits.size_text(max_bytes)}; "
                      "raise it with --max-memory SIZE")
