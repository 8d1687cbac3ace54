"""The command line: click commands -> a run; errors -> exit statuses. No maths, no formatting.

Exit statuses (LANGUAGE.md §10) come from one table, `ExitStatus` (errors.py): a script's error
or a failed --check is ERROR, a usage error USAGE (click's own code), Ctrl-C INTERRUPTED.
"""
from __future__ import annotations

import os
import re
import sys

import click
from click.core import ParameterSource

from . import __version__
from .errors import ExitStatus, quiet


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)(i?[bB])?\s*$")


def parse_size(text: str) -> int:
    m = _SIZE.match(text)
    if not m:
        raise click.BadParameter(f"'{text}' is not a size like 512M, 8G or a byte count")
    scale = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}[m.group(2).lower()]
    return int(float(m.group(1)) * scale)


class SizeType(click.ParamType):
    name = "SIZE"

    def convert(self, value, param, ctx):
        if isinstance(value, int):
            return value
        try:
            return parse_size(value)
        except click.BadParameter as e:
            self.fail(str(e.message), param, ctx)


def _set_pair(ctx, param, values):
    out = []
    for v in values:
        name, sep, expr = v.partition("=")
        name, expr = name.strip(), expr.strip()     # `--set 'x = 3'` is `--set x=3`
        if not sep or not name.isidentifier() or name.startswith("__"):
            raise click.BadParameter(f"'{v}' is not NAME=EXPR", ctx=ctx, param=param)
        out.append((name, expr))
    return out


def _names(ctx, param, values):
    for v in values:
        if not v.isidentifier():
            raise click.BadParameter(f"'{v}' is not a variable name", ctx=ctx, param=param)
    return tuple(dict.fromkeys(values))


def common_options(f):
    """Options shared by `run`, the REPL and piped mode."""
    opts = [
        click.option("--wrt", multiple=True, callback=_names, metavar="NAME",
                     help="Differentiate with respect to NAME (repeatable)."),
        click.option("--of", default=None, metavar="NAME",
                     help="The output to differentiate (default: the last expression or assignment)."),
        click.option("--set", "sets", multiple=True, callback=_set_pair, metavar="NAME=EXPR",
                     help="Bind NAME before the script runs (repeatable)."),
        click.option("--seed", type=int, default=None, help="Seed the random generator."),
        click.option("--json", "as_json", is_flag=True, help="Print one JSON document instead of text."),
        click.option("--max-depth", type=click.IntRange(1), default=1000, show_default=True,
                     help="Recursion depth limit of user functions."),
        click.option("--max-nesting", type=click.IntRange(1), default=200, show_default=True,
                     help="Syntax nesting depth limit."),
        click.option("--max-memory", type=SizeType(), default="4G", show_default=True,
                     help="Memory limit for all values alive at once (e.g. 512M, 8G)."),
        click.option("--timeout", type=click.FloatRange(0, min_open=True), default=None,
                     help="Stop the run after SECONDS."),
        click.option("--formula", is_flag=True,
                     help="Also give each gradient as a closed-form formula (a --wrt NAME nothing "
                          "binds is a free symbol)."),
        click.option("--latex", is_flag=True, help="Formulas in LaTeX (implies --formula)."),
        click.option("--formula-max-ops", type=click.IntRange(1), default=5000, show_default=True,
                     help="The largest trace turned into a formula."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def insight_options(f):
    opts = [
        click.option("--graph", "show_graph", is_flag=True, help="Also print the output's graph as a tree."),
        click.option("--dot", "dot_file", type=click.Path(dir_okay=False, writable=True), default=None,
                     help="Write the output's graph to FILE: Graphviz DOT, or a picture for FILE.svg / FILE.png."),
        click.option("--explain", is_flag=True, help="Also print the backward pass step by step."),
        click.option("--check", is_flag=True, help="Also check the gradients by finite differences."),
        click.option("--check-samples", type=click.IntRange(1), default=None,
                     help="Elements sampled per input by --check (default: all up to a size)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


class _Interrupted(Exception):
    """Ctrl-C inside a command, carried past click's own handler (which prints a blank line)."""


class Group(click.Group):
    """The top command. Ctrl-C is carried past click's handler; a newcomer's first guesses —
    `gradcli FILE.g`, `gradcli -e CODE` — are usage errors that say the command they meant:
    `gradcli run …`."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:        # e.g. while a command still imports what it needs
            raise _Interrupted() from None

    def parse_args(self, ctx, args):
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name == "-e":
                exc.message += " To run code: gradcli run -e CODE"
            raise

    def resolve_command(self, ctx, args):
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            name = args[0] if args else ""
            if name.endswith(".g") or os.path.exists(name):
                exc.message += f" To run a script: gradcli run {name}"
            raise


def given(ctx, name) -> bool:
    """Was option `name` given on the command line (not left at its default)?"""
    return ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT,
                                                  ParameterSource.DEFAULT_MAP)


def with_group_options(ctx, opts: dict) -> dict:
    """Options given before the command (`gradcli --seed 0 run …`) apply to it, as if given after
    it: repeatable ones add up, and one given on both sides with two values is a usage error —
    never is one dropped (issue 15)."""
    parent = ctx.parent
    if parent is None or not parent.params:
        return opts
    merged = dict(opts)
    for name, value in parent.params.items():
        if name not in merged or not given(parent, name):
            continue
        if not given(ctx, name):
            merged[name] = value
        elif isinstance(value, (list, tuple)):                 # --wrt, --set
            merged[name] = type(merged[name])(dict.fromkeys([*value, *merged[name]]))
        elif value != merged[name]:
            flag = next(p.opts[0] for p in parent.command.params if p.name == name)
            raise click.UsageError(f"{flag} is given before '{ctx.info_name}' and after it, "
                                   f"with two values: give it once", ctx=ctx)
    return merged


def refuse_of(opts: dict):
    """--of names one output of a whole script: the REPL and piped mode have one per entry."""
    if opts.get("of") is not None:
        raise click.UsageError(
            "--of is for `gradcli run`: the REPL and piped mode report each expression statement "
            "as it runs. To treat standard input as one script: gradcli run - --of "
            f"{opts['of']}")


@click.group(cls=Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gradcli")
@common_options
@click.pass_context
def main(ctx, **opts):
    """gradcli: PyTorch-style autograd for small scripts, in the shell.

    \b
      gradcli run FILE.g --wrt x     run a script, report d output / d x
      gradcli run -e 'x = 3; x**2' --wrt x
      echo 'x = 2; x**3' | gradcli --wrt x
      gradcli                        the REPL
    """
    ctx.with_resource(quiet())       # for the whole command, subcommands included (§11)
    if ctx.invoked_subcommand is not None:
        ctx.obj = opts
        return
    refuse_of(opts)
    from .repl import main_interactive      # here, for start-up time: --help needs no numpy
    sys.exit(main_interactive(opts, interactive=sys.stdin.isatty()))


@main.command()
@click.argument("file", required=False, type=click.Path(allow_dash=True))
@click.option("-e", "code", default=None, metavar="CODE", help="Run CODE instead of a file.")
@common_options
@insight_options
@click.pass_context
def run(ctx, file, code, **opts):
    """Run a G script (FILE, or - for standard input, or -e CODE)."""
    opts = with_group_options(ctx, opts)
    check_picture(opts.get("dot_file"))
    if (file is None) == (code is None):
        raise click.UsageError("give a FILE (or - for standard input) or -e CODE, not both" if file
                               else "give a FILE to run (or - for standard input, or -e CODE)")
    if code is not None:
        source, filename = code, "<-e>"
    elif file == "-":
        source, filename = _read(sys.stdin.buffer), "<stdin>"
    else:
        try:
            with open(file, "rb") as fh:
                source = _read(fh)
        except OSError as exc:
            raise click.UsageError(f"cannot read {file}: {exc.strerror or exc}") from None
        filename = file
    from .run import run_script             # here, for start-up time: --help needs no numpy
    sys.exit(run_script(source, filename, opts))


def check_picture(dot_file):
    """--dot FILE: a usage error before the run, not after it, when FILE's folder does not exist
    or FILE.svg / FILE.png asks for a picture and Graphviz's `dot` is not installed."""
    if not dot_file:
        return
    folder = os.path.dirname(dot_file) or "."
    if not os.path.isdir(folder):
        raise click.UsageError(f"--dot {dot_file}: there is no folder {folder}")
    from .render import graphviz            # here, for start-up time: --dot only
    if graphviz.picture_format(dot_file) and graphviz.dot_program() is None:
        raise click.UsageError(graphviz.missing_dot(dot_file))


@main.command()
@common_options
@click.pass_context
def repl(ctx, **opts):
    """The interactive REPL (the default when standard input is a terminal)."""
    opts = with_group_options(ctx, opts)
    refuse_of(opts)
    from .repl import main_interactive      # here, for start-up time: --help needs no numpy
    sys.exit(main_interactive(opts, interactive=sys.stdin.isatty()))


def _read(stream) -> str:
    data = stream.read()
    if not isinstance(data, bytes):
        return data
    # A bad byte becomes a lone surrogate, as in the -e CODE that Python hands click: the parser
    # reports both the same way ("invalid UTF-8 byte 0xE9"), with its line and column.
    return data.decode("utf-8", errors="surrogateescape")


def _json_requested(args) -> bool:
    """Does the command line ask for --json (so that even a usage error is a JSON document)?"""
    args = list(args)
    return "--json" in (args[:args.index("--")] if "--" in args else args)


def entry(argv=None):
    """The console script: click's main, with Ctrl-C as status 130 and a closed pipe as quiet."""
    if argv is None:                 # the real command, not a test calling it in-process
        from . import limits                # here, for start-up time (--version, --help)
        limits.enabled = True
    try:
        rv = main.main(args=argv, standalone_mode=False)
    except SystemExit as e:          # the commands end with sys.exit(status)
        rv = e.code
    except click.exceptions.Exit as e:
        rv = e.exit_code
    except click.ClickException as e:
        if _json_requested(sys.argv[1:] if argv is None else argv):
            from .render.jsondoc import dumps   # here, for start-up time: numpy
            print(dumps({"ok": False, "error": {"kind": "UsageError", "message": e.format_message(),
                                                "line": None, "column": None}}))
        else:
            e.show()
        rv = e.exit_code
    except (KeyboardInterrupt, _Interrupted, click.Abort):
        from .render.diagnostics import format_interrupt   # here, for start-up time: rich
        print(format_interrupt(), file=sys.stderr)
        rv = ExitStatus.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`gradcli … | head -1`): stop quietly, as Unix filters do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        rv = ExitStatus.ERROR
    except MemoryError:
        print("LimitError: out of memory; raise the limit with --max-memory SIZE", file=sys.stderr)
        rv = ExitStatus.ERROR
    except Exception as exc:  # noqa: BLE001 — the last resort: a bug of ours, never a traceback
        if os.environ.get("GRADCLI_DEBUG"):
            raise
        print(f"gradcli: internal error: {type(exc).__name__}: {exc}\n"
              "This is a bug in gradcli; run again with GRADCLI_DEBUG=1 to see where.",
              file=sys.stderr)
        rv = ExitStatus.ERROR
    if argv is None and rv == ExitStatus.INTERRUPTED:
        # Leave at once: freeing what the run built (a graph of millions of nodes) takes seconds.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os._exit(rv)
    sys.exit(rv or ExitStatus.OK)


if __name__ == "__main__":  # pragma: no cover
    entry()
