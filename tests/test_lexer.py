"""The Pygments lexer (gradcli/lexer.py, LANGUAGE.md §13): one lexer for pygmentize, Sphinx,
Jupyter and the REPL, cutting every sample where the parser's scanner cuts it."""
from __future__ import annotations

import importlib
import importlib.metadata
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from pygments.token import Comment, Error, Keyword, Name, Number, Operator, Punctuation, String

from gradcli.lexer import GLexer

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = sorted((ROOT / "samples").glob("*.g"))
GOLDEN = sorted((ROOT / "tests" / "golden").glob("*.g"))


def tokens(text):
    return [(i, t, v) for i, t, v in GLexer().get_tokens_unprocessed(text) if v]


def scanner_tokens(text):
    """The parser's own tokens (kind, value, offset), up to the first error, layout tokens left out."""
    from gradcli.lang.parse.scanner import scan
    toks, _ = scan(text, "<t>", 1)
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    out = []
    for kind, value, line, col in toks:
        if kind == "ERROR":
            break
        if kind.startswith("_"):
            continue
        out.append((kind, value, starts[line - 1] + col - 1))
    return out


_KIND = {"NAME": Name, "NUMBER": Number, "STRING": String}


def _expected(kind, value):
    if kind in _KIND:
        return [_KIND[kind]]
    if value in ("and", "or", "not", "in"):
        return [Operator.Word]
    if value in ("True", "False", "None"):
        return [Keyword.Constant]
    if value.isidentifier():
        return [Keyword]
    return [Operator, Punctuation]


@pytest.mark.parametrize("path", SAMPLES + GOLDEN, ids=lambda p: p.name)
def test_lexer_cuts_every_sample_where_the_parser_does(path):
    text = path.read_text(encoding="utf-8")
    toks = tokens(text)
    assert "".join(v for _, _, v in toks) == text            # nothing lost, nothing added
    assert not [v for _, t, v in toks if t in Error]
    at = {i: (t, v) for i, t, v in toks}
    ends = {i + len(v) for i, _, v in toks}
    scanned = scanner_tokens(text)
    assert scanned
    for kind, value, offset in scanned:
        assert offset in at, f"{path.name}: the lexer does not start a token at {value!r} ({offset})"
        got, lexed = at[offset]
        if kind == "STRING":       # a string is several lexer tokens (affix, quotes, escapes …)
            assert offset + len(value) in ends, f"{path.name}: the lexer runs past {value!r}"
        else:
            assert lexed == value, f"{path.name}: the parser reads {value!r}, the lexer {lexed!r}"
        want = _expected(kind, value)
        assert any(got in w for w in want), \
            f"{path.name}: {value!r} is {got}, the parser says {kind}"


def test_samples_show_each_kind_of_token():
    toks = tokens((ROOT / "samples" / "seed_tutorial.g").read_text(encoding="utf-8"))
    kinds = {(t, v) for _, t, v in toks}
    assert (Keyword.Namespace, "import") in kinds or (Keyword, "import") in kinds
    assert (Keyword, "while") in kinds and (Keyword, "with") in kinds
    assert (Name.Builtin, "torch") in kinds
    assert (Name.Attribute, "requires_grad") in kinds
    assert (Keyword.Constant, "True") in kinds
    assert any(t in Comment for _, t, _ in toks)
    assert (Number.Float, "0.0001") in kinds


def test_builtins_and_user_names_differ():
    kinds = dict((v, t) for _, t, v in tokens("w = randn(3)\ndef f(a): return a\nf(w)\n"))
    assert kinds["randn"] is Name.Builtin and kinds["w"] is Name and kinds["f"] is Name
    assert kinds["def"] is Keyword


def test_triple_quoted_strings_span_lines():
    text = 'x = 1\n"""a docstring\nover # two lines"""\ny = 2\n'
    toks = tokens(text)
    inside = [t for i, t, v in toks if text.index('"""') <= i < text.rindex('"""') + 3]
    assert inside and all(t in String for t in inside)       # the '#' inside is no comment
    assert (Name, "y") in [(t, v) for _, t, v in toks]
    single = tokens("s = '''one ' two'''\n")
    assert "".join(v for _, t, v in single if t in String) == "'''one ' two'''"


def test_raw_strings_keep_backslashes_and_never_end_at_an_escaped_quote():
    toks = tokens(r"p = r'\d+\'' + 1" + "\n")
    assert (String.Affix, "r") in [(t, v) for _, t, v in toks]
    assert not [v for _, t, v in toks if t is String.Escape]
    assert (Number.Integer, "1") in [(t, v) for _, t, v in toks]


def test_f_strings_lex_their_expressions_as_code():
    text = 'print(f"loss {loss:.4f} at {i!r}: {t[1:2]} {{not a field}} {g.grad_fn}")\n'
    pairs = [(t, v) for _, t, v in tokens(text)]
    assert (String.Affix, "f") in pairs
    assert (Name, "loss") in pairs and (Name, "i") in pairs and (Name, "t") in pairs
    assert (String.Other, ".4f") in pairs and (String.Interpol, "!r") in pairs
    assert (Punctuation, ":") in pairs                    # the slice's colon is code
    assert (String.Escape, "{{") in pairs and (String.Escape, "}}") in pairs
    assert (Name.Attribute, "grad_fn") in pairs
    assert pairs[-2:] == [(Punctuation, ")"), (pairs[-1][0], "\n")]   # back to code after it


def test_an_unterminated_string_ends_with_its_line():
    pairs = [(t, v) for _, t, v in tokens('s = "open\ny = 2\n')]
    assert (Name, "y") in pairs and (Number.Integer, "2") in pairs


def test_repl_commands():
    pairs = [(t, v) for _, t, v in tokens(":vars x\n")]
    assert pairs[0][1] == ":vars" and pairs[1] == (String.Other, " x")


def test_the_repl_and_diagnostics_use_this_lexer():
    import gradcli.render.diagnostics as D
    import gradcli.repl.ui as U
    for module in (D, U):
        source = Path(module.__file__).read_text(encoding="utf-8")
        assert "from ..lexer import GLexer" in source or "from .lexer import GLexer" in source
    assert not (ROOT / "gradcli" / "lang" / "lexer.py").exists()     # one lexer, not two


def test_pyproject_registers_the_lexer_entry_point():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    target = meta["project"]["entry-points"]["pygments.lexers"]["gradcli"]
    module, _, attr = target.partition(":")
    cls = getattr(importlib.import_module(module), attr)
    assert cls is GLexer
    assert cls.name == "gradcli" and "g" in cls.aliases and "*.g" in cls.filenames


def test_installed_entry_point_finds_the_lexer():
    """Where gradcli is installed with its current metadata, Pygments finds the lexer by name,
    alias and file name (the editable install of an older checkout may predate the entry point)."""
    eps = [ep for ep in importlib.metadata.entry_points(group="pygments.lexers") if ep.name == "gradcli"]
    if not eps:
        pytest.skip("the installed gradcli predates the pygments.lexers entry point")
    from pygments.lexers import get_lexer_by_name, get_lexer_for_filename
    assert get_lexer_by_name("gradcli").name == "gradcli"
    assert get_lexer_by_name("g").name == "gradcli"
    code = (ROOT / "samples" / "tutorial.g").read_text(encoding="utf-8")
    assert get_lexer_for_filename("tutorial.g", code).name == "gradcli"    # not ANTLR's, not GAP's
    out = subprocess.run([sys.executable, "-m", "pygments", "-l", "gradcli", "-f", "html",
                          str(ROOT / "samples" / "tutorial.g")],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    assert '<span class="nb">ones</span>' in out and '<span class="kc">True</span>' in out

