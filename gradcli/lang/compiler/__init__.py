"""AST -> Python closures, once per program (or REPL entry). Nothing walks the tree at run time.

An expression compiles to `ev(f) -> value` and a statement to `ex(f) -> None | BREAK | CONTINUE |
RETURN`, where `f` is the frame of the running user function (a list of local slots; slot 0
holds the return value) or None at top level. Names are resolved here: a function's locals are
slots, everything else is looked up in the session's globals, then the built-ins.

Errors from the engine come without a place; the closure of the expression that failed attaches
its span (`err.at(span)`), and each call site on the way out adds itself to the error's trace.
"""
from __future__ import annotations

from .. import ast as A
from .expressions import ExprCompiler
from .postfix import PostfixCompiler
from .statements import StmtCompiler

__all__ = ["compile_program", "Compiler"]


class Compiler(StmtCompiler, PostfixCompiler, ExprCompiler):
    """Compiles one program (or REPL entry) for a session; `slots` is None at top level."""

    def __init__(self, session, source_lines=None, slots=None, enclosing=()):
        # source_lines: not needed since number literals say whether they were integers; taken
        # for the callers that still pass them
        self.session = session
        self.slots = slots
        self.enclosing = enclosing      # slots of the enclosing functions, innermost first

    def nested(self, slots):
        enclosing = (self.slots,) + self.enclosing if self.slots is not None else ()
        return Compiler(self.session, None, slots, enclosing)


def compile_program(program: A.Program, session, source: str = "", first_line: int = 1):
    """Compile a parsed program into one closure `run()`. (`source` and `first_line`, the text
    and where it starts, are not needed: the tree has every span.)"""
    body = Compiler(session).block(program.body)
    return lambda: body(None)
