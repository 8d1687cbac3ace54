"""A pygments lexer for G, for colour only: the REPL's input line, `:help` examples (rich.syntax)
and source lines in diagnostics. It never decides what parses — `parser.py` does.

Tokens follow grammar/g.lark: `#` comments, strings in either quote, numbers such as `.5` or
`6.02E23`, the keywords of LANGUAGE.md §2, `**`/`^` power. Names of built-ins (`ones`, `grad`,
`torch` …) are told apart from other names after lexing, with the table from `builtins.py`, so
the two never disagree. A line starting with `:` is a REPL command (`:help`, `:vars x`).
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, default, words
from pygments.token import (Comment, Generic, Keyword, Name, Number, Operator, Punctuation,
                            String, Text, Whitespace)

__all__ = ["GLexer", "KEYWORDS"]

KEYWORDS = ("if", "elif", "else", "while", "for", "def", "return", "break", "continue", "pass",
            "with", "import", "from", "as")
WORD_OPERATORS = ("and", "or", "not", "in")
CONSTANTS = ("True", "False", "None")

_builtin_names: frozenset | None = None


def _builtins() -> frozenset:
    global _builtin_names
    if _builtin_names is None:
        from .builtins import BUILTINS    # imported on first use: the lexer itself stays light
        _builtin_names = frozenset(BUILTINS)
    return _builtin_names


class GLexer(RegexLexer):
    """Pygments lexer for G scripts (`*.g`) and REPL input."""

    name = "G"
    aliases = ["g", "gradcli"]
    filenames = ["*.g"]
    mimetypes = ["text/x-gradcli"]

    tokens = {
        "root": [
            (r"^([ \t]*)(:[A-Za-z]\w*)", bygroups(Whitespace, Generic.Prompt), "command"),
            (r"\n", Whitespace),
            (r"[ \t\f]+", Whitespace),
            (r"\\\n", Text),
            (r"#.*$", Comment.Single),
            (r'"(?:[^"\\\n]|\\.)*"?', String.Double),
            (r"'(?:[^'\\\n]|\\.)*'?", String.Single),
            (r"(?:\d+\.\d*|\.\d+)(?:[eE][-+]?\d+)?|\d+[eE][-+]?\d+", Number.Float),
            (r"\d+", Number.Integer),
            (r"(def)(\s+)([^\W\d]\w*)", bygroups(Keyword, Whitespace, Name.Function)),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (r"(\.)([ \t]*)([^\W\d]\w*)", bygroups(Punctuation, Whitespace, Name.Attribute)),
            (r"[^\W\d]\w*", Name),
            (r"\*\*|[-+*/]=|[<>]=?|==|!=|[-+*/@%^=]", Operator),
            (r"[()\[\],:;.]", Punctuation),
            (r".", Text),
        ],
        "command": [               # the rest of a `:cmd args` line
            (r"\n", Whitespace, "#pop"),
            (r"[^\n]+", String.Other),
            default("#pop"),
        ],
    }

    def get_tokens_unprocessed(self, text, stack=("root",)):
        builtins = _builtins()
        for index, token, value in super().get_tokens_unprocessed(text, stack):
            if token is Name and value in builtins:
                token = Name.Builtin
            yield index, token, value
