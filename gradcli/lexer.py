"""The Pygments lexer for G: one lexer for every place that colours G (LANGUAGE.md §13).

Registered under the `pygments.lexers` entry point (pyproject.toml) as `gradcli` (alias `g`,
files `*.g`), so `pygmentize -l gradcli`, Sphinx and Jupyter highlight G; the REPL's input line,
its `:help` examples and the source lines in diagnostics use it too. It is for colour only and
never decides what parses — `lang/parse/` does; a test checks on every sample that the two
cut the text at the same places.

Tokens follow grammar/g.lark and LANGUAGE.md §2: `#` comments, numbers such as `.5` or
`6.02E23`, the keywords, `**`/`^` power, strings in either quote, triple-quoted over several
lines, raw (`r"…"`) and f-strings (`f"loss {loss:.4f}"`, the expressions in braces lexed as
code). Names of built-ins (`ones`, `grad`, `torch` …) are told apart from other names after
lexing, with the table from `lang/builtins.py`, so the two never disagree. A line starting with
`:` is a REPL command (`:help`, `:vars x`).
"""
from __future__ import annotations

import re

from pygments.lexer import RegexLexer, bygroups, default, include, words
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
        # here, for start-up time: the lexer alone (Pygments, Sphinx, Jupyter) imports no numpy
        from .lang.builtins import BUILTINS
        _builtin_names = frozenset(BUILTINS)
    return _builtin_names


# ----- strings: {plain, raw, f, raw f} x {"…", '…', """…""", '''…'''} -----

# Triple quotes first: `""` is an empty string, `"""` opens a long one.
_QUOTES = (('"""', String.Double), ("'''", String.Single), ('"', String.Double), ("'", String.Single))
_PREFIXES = ((r"(?:[rR][fF]|[fF][rR])", True, True), (r"[fF]", False, True), (r"[rR]", True, False),
             (r"[uU]?", False, False))     # (regex, raw, f-string); u"…" is a plain string


def _state_name(quote: str, raw: bool, fmt: bool) -> str:
    kind = "dq" if quote[0] == '"' else "sq"
    return ("r" if raw else "") + ("f" if fmt else "") + f"str-{kind}{len(quote)}"


def _string_state(quote: str, token, raw: bool, fmt: bool) -> list:
    """The rules inside one kind of string, after its opening quote."""
    rules = []
    if fmt:
        rules += [(r"\{\{|\}\}", String.Escape), (r"\{", String.Interpol, "fexpr")]
    # A backslash never lets the quote end the string, raw or not; in a raw string it is no escape.
    rules.append((r"\\(?:\n|.)", token if raw else String.Escape))
    rules.append((re.escape(quote), token, "#pop"))
    if len(quote) == 1:            # an unterminated one-line string ends with its line
        rules.append((r"\n", Whitespace, "#pop"))
    body = r"[^\\\n'\"" + (r"{}" if fmt else "") + r"]+"
    rules += [(body, token), (r"\n", token), (r".", token)]
    return rules


def _string_openers() -> list:
    rules = []
    for quote, token in _QUOTES:
        for prefix, raw, fmt in _PREFIXES:
            rules.append((f"({prefix})({re.escape(quote)})", bygroups(String.Affix, token),
                          _state_name(quote, raw, fmt)))
    return rules


def _string_states() -> dict:
    return {_state_name(q, raw, fmt): _string_state(q, tok, raw, fmt)
            for q, tok in _QUOTES for _, raw, fmt in _PREFIXES}


class GLexer(RegexLexer):
    """Pygments lexer for G scripts (`*.g`) and REPL input."""

    name = "gradcli"
    aliases = ["gradcli", "g"]
    filenames = ["*.g"]
    mimetypes = ["text/x-gradcli"]

    tokens = {
        "root": [
            (r"^([ \t]*)(:[A-Za-z]\w*)", bygroups(Whitespace, Generic.Prompt), "command"),
            include("code"),
        ],
        "code": [
            (r"\n", Whitespace),
            (r"[ \t\f]+", Whitespace),
            (r"\\\n", Text),
            (r"#.*$", Comment.Single),
            *_string_openers(),
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
        # Inside an f-string's braces: code up to `!r`/`!s`, a `:` format spec or the closing
        # brace; a `:` inside brackets (a slice) belongs to the code.
        "fexpr": [
            (r"\}", String.Interpol, "#pop"),
            (r"![rsa](?=[:}])", String.Interpol),
            (r":", String.Interpol, "fspec"),
            (r"[(\[]", Punctuation, "fbracket"),
            include("code"),
        ],
        "fbracket": [
            (r"[)\]]", Punctuation, "#pop"),
            (r"[(\[]", Punctuation, "#push"),
            include("code"),
        ],
        "fspec": [
            (r"\{", String.Interpol, "fexpr"),           # a nested field: {x:{width}}
            (r"\}", String.Interpol, "#pop:2"),
            (r"[^{}\n]+", String.Other),
            default("#pop:2"),
        ],
        **_string_states(),
    }

    def get_tokens_unprocessed(self, text, stack=("root",)):
        builtins = _builtins()
        for index, token, value in super().get_tokens_unprocessed(text, stack):
            if token is Name and value in builtins:
                token = Name.Builtin
            yield index, token, value

    def analyse_text(text):
        """`*.g` is also ANTLR's and GAP's: G code that uses autograd says so."""
        if re.search(r"requires_grad|\.backward\(|\bgrad_fn\b|^\s*import torch\b", text, re.M):
            return 0.6
        return 0.0
