"""The G grammar and parser: LANGUAGE.md §2-§4 (syntax), §11 (syntax errors, nesting limit) and
DESIGN.md rules 4, 6 and 8 (nothing recursive, errors in words with spans, the REPL's question)."""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gradcli.errors import GSyntaxError, LimitError, Span
from gradcli.lang import ast as A
from gradcli.lang.parse import is_complete, parse


def stmts(src):
    return parse(src).body


def expr(src):
    (stmt,) = parse(src).body
    assert type(stmt) is A.ExprStmt
    return stmt.value


def show(n) -> str:
    """A compact, fully parenthesised rendering of an expression, to pin precedence."""
    t = type(n)
    if n is None:
        return ""
    if t is A.Num:
        return str(int(n.value)) if n.value == int(n.value) and abs(n.value) < 1e15 else repr(n.value)
    if t is A.Name:
        return n.id
    if t is A.Str:
        return repr(n.value)
    if t is A.Const:
        return str(n.value)
    if t is A.BinOp or t is A.BoolOp:
        return f"({show(n.left)} {n.op} {show(n.right)})"
    if t is A.UnaryOp:
        return f"(not {show(n.operand)})" if n.op == "not" else f"({n.op}{show(n.operand)})"
    if t is A.Compare:
        return "(" + show(n.left) + "".join(f" {o} {show(c)}" for o, c in zip(n.ops, n.comparators)) + ")"
    if t is A.IfExp:
        return f"({show(n.body)} if {show(n.test)} else {show(n.orelse)})"
    if t is A.Call:
        return f"{show(n.func)}(" + ", ".join([show(a) for a in n.args] +
                                              [f"{k.name}={show(k.value)}" for k in n.keywords]) + ")"
    if t is A.Attribute:
        return f"{show(n.value)}.{n.attr}"
    if t is A.Subscript:
        return f"{show(n.value)}[" + ", ".join(show(i) for i in n.index) + "]"
    if t is A.Slice:
        return f"{show(n.lower)}:{show(n.upper)}" + (f":{show(n.step)}" if n.step else "")
    if t is A.ListExpr:
        return "[" + ", ".join(show(e) for e in n.elts) + "]"
    if t is A.TupleExpr:
        return "(" + ", ".join(show(e) for e in n.elts) + ("," if len(n.elts) == 1 else "") + ")"
    raise AssertionError(f"no rendering for {t.__name__}")


def error(src, kind=GSyntaxError, **kw):
    with pytest.raises(kind) as info:
        parse(src, **kw)
    err = info.value
    assert type(err) is kind
    assert isinstance(err.span, Span) and err.span.line >= 1 and err.span.column >= 1
    return err


# ----- expressions and precedence (§4) -----

@pytest.mark.parametrize("src, expected", [
    ("-x**2", "(-(x ** 2))"),
    ("-x^2", "(-(x ** 2))"),
    ("2**3**2", "(2 ** (3 ** 2))"),
    ("2^3^2", "(2 ** (3 ** 2))"),
    ("2**-1", "(2 ** (-1))"),
    ("-a ** -b", "(-(a ** (-b)))"),
    ("-2*3", "((-2) * 3)"),
    ("- - x", "(-(-x))"),
    ("+x", "(+x)"),
    ("a - b - c", "((a - b) - c)"),
    ("a + b * c", "(a + (b * c))"),
    ("a / b * c % d @ e", "((((a / b) * c) % d) @ e)"),
    ("a * -b ** c * d", "((a * (-(b ** c))) * d)"),
    ("0 < x < 1", "(0 < x < 1)"),
    ("1 + 2 < 3 * 4 == 5", "((1 + 2) < (3 * 4) == 5)"),
    ("a <= b >= c != d", "(a <= b >= c != d)"),
    ("a < b and b < c", "((a < b) and (b < c))"),
    ("not a == b", "(not (a == b))"),
    ("not not x", "(not (not x))"),
    ("a or b and not c", "(a or (b and (not c)))"),
    ("a and b or c and d", "((a and b) or (c and d))"),
    ("a or b or c", "((a or b) or c)"),
    ("a if b else c", "(a if b else c)"),
    ("a if b else c if d else e", "(a if b else (c if d else e))"),
    ("x + y if c else z", "((x + y) if c else z)"),
    ("a if b or c else d", "(a if (b or c) else d)"),
    ("not a if b else c", "((not a) if b else c)"),
    ("x if not y else -z", "(x if (not y) else (-z))"),
    ("(a if b else c) if d else e", "((a if b else c) if d else e)"),
    ("-(a + b)", "(-(a + b))"),
    ("(a + b) * c", "((a + b) * c)"),
    ("f(x)[0].grad ** 2", "(f(x)[0].grad ** 2)"),
    ("x.sum().backward()", "x.sum().backward()"),
    ("f(a, k=v)", "f(a, k=v)"),
    ("f(a, b,)", "f(a, b)"),
    ("f()", "f()"),
    ("f(x)(y)", "f(x)(y)"),
    ("t[i]", "t[i]"), ("t[i, j]", "t[i, j]"), ("t[1:3]", "t[1:3]"), ("t[:, 0]", "t[:, 0]"),
    ("t[::-1]", "t[::(-1)]"), ("t[1:]", "t[1:]"), ("t[:2]", "t[:2]"), ("t[::]", "t[:]"),
    ("t[a:b:c, 1]", "t[a:b:c, 1]"),
    ("[1, 2, 3]", "[1, 2, 3]"), ("[a, b,]", "[a, b]"), ("[]", "[]"), ("[[1, 2], [], [3]]", "[[1, 2], [], [3]]"),
    ("(a, b)", "(a, b)"), ("(a,)", "(a,)"), ("()", "()"), ("(a)", "a"), ("((a))", "a"),
    ("True", "True"), ("False", "False"), ("None", "None"),
    ("x.grad", "x.grad"),
    ("torch.autograd.grad(y, x)[0]", "torch.autograd.grad(y, x)[0]"),
])
def test_expression_structure_and_precedence(src, expected):
    assert show(expr(src)) == expected


def test_operators_are_named_as_in_the_ast():
    assert expr("a ^ b").op == "**"
    assert [expr(f"a {op} b").op for op in "+-*/@%"] == list("+-*/@%")
    assert expr("a and b").op == "and" and type(expr("a or b")) is A.BoolOp
    assert expr("not a").op == "not" and expr("-a").op == "-"
    cmp = expr("0 < x <= 1 != y")
    assert cmp.ops == ("<", "<=", "!=") and [show(c) for c in cmp.comparators] == ["x", "1", "y"]


@pytest.mark.parametrize("src, value", [
    ("2", 2.0), ("2.5", 2.5), (".5", 0.5), ("1e-3", 1e-3), ("6.02E23", 6.02e23), ("5.", 5.0),
    ("1.5e+2", 150.0),
])
def test_numbers_are_floats(src, value):
    node = expr(src)
    assert type(node) is A.Num and type(node.value) is float and node.value == value


@pytest.mark.parametrize("src, value", [
    ('"abc"', "abc"), ("'abc'", "abc"), (r'"a\nb\tc"', "a\nb\tc"), (r"'it\'s'", "it's"),
    (r'"say \"hi\""', 'say "hi"'), (r'"back\\slash"', "back\\slash"), ('"中文"', "中文"),
    (r'"\u00e9\x41"', "éA"), (r'"\d"', "\\d"), ('""', ""),
    ('"""a\nb"""', "a\nb"), ("'''it's'''", "it's"), ('"""a""b"""', 'a""b'), (r'r"\n\d"', "\\n\\d"),
    ('u"x"', "x"), ('"a" \'b\' """c"""', "abc"), (r'"\101\N{GREEK SMALL LETTER BETA}"', "Aβ"),
    ('"a\\\nb"', "ab"), ('f"plain"', "plain"), ('f"{{}}"', "{}"),
])
def test_strings_decode_escapes(src, value):
    node = expr(src)
    assert type(node) is A.Str and node.value == value


def test_multiline_strings_keep_line_numbers_and_spans():
    prog = parse('x = """a\nbc"""\ny = 1\n')
    s = prog.body[0].value
    assert (s.span.line, s.span.column, s.span.end_line, s.span.end_column) == (1, 5, 2, 6)
    assert prog.body[1].span.line == 3


def test_fstring_fields_are_parsed_where_they_stand():
    node = expr('f"a{x + 1!r:>{w}}b"')
    assert type(node) is A.FString and node.values[0] == "a" and node.values[-1] == "b"
    field = node.values[1]
    assert type(field) is A.FormattedValue and field.conversion == "r"
    assert show(field.value) == "(x + 1)" and field.value.span.column == 5
    spec = field.format_spec
    assert spec.values[0] == ">" and type(spec.values[1]) is A.FormattedValue
    node = parse('f"""\n  {\n y}"""\n').body[0].value
    assert (node.values[1].value.span.line, node.values[1].value.span.column) == (3, 2)


@pytest.mark.parametrize("src, message", [
    ('f"{}"', "empty expression"), ('f"{x!z}"', "invalid conversion"), ('f"}"', "single '}'"),
    ('f"{x"', "expecting '}'"), ('f"{(x]}"', "does not match"), ('f"{x)}"', "unmatched ')'"),
    ('f"{x:{y:{z}}}"', "nested too deeply"), ('f"{a#b}"', "'#'"), (r'f"{\n}"', "backslash"),
    ('x = """abc', "unterminated triple-quoted string"), ('f"{x +}"', "after '+'"),
])
def test_string_syntax_errors(src, message):
    with pytest.raises(GSyntaxError, match=re.escape(message)):
        parse(src)


def test_calls_separate_positional_and_keyword_arguments():
    call = expr("tensor([1.0, 2.0], requires_grad=True, dtype=None)")
    assert type(call) is A.Call and show(call.func) == "tensor"
    assert [show(a) for a in call.args] == ["[1, 2]"]
    assert [(k.name, show(k.value)) for k in call.keywords] == [("requires_grad", "True"), ("dtype", "None")]


def test_slices_are_slice_nodes():
    sub = expr("t[1:, ::-1, 2]")
    lower, step, plain = sub.index
    assert type(lower) is A.Slice and show(lower.lower) == "1" and lower.upper is None and lower.step is None
    assert type(step) is A.Slice and step.lower is None and step.upper is None and show(step.step) == "(-1)"
    assert type(plain) is A.Num


# ----- statements (§3) -----

def test_assignments():
    a, aug, idx, attr, idx2 = stmts("x = 1\nx -= 2\nt[0, 1:] = 5\nx.grad = None\nw[i] = -w[i]\n")
    assert type(a) is A.Assign and a.target == "x" and show(a.value) == "1"
    assert type(aug) is A.AugAssign and (aug.target, aug.op, show(aug.value)) == ("x", "-", "2")
    assert type(idx) is A.IndexAssign and idx.target == "t" and [show(i) for i in idx.index] == ["0", "1:"]
    assert type(attr) is A.AttrAssign and show(attr.target) == "x" and attr.attr == "grad"
    assert type(attr.value) is A.Const and attr.value.value is None
    assert type(idx2) is A.IndexAssign and show(idx2.value) == "(-w[i])"
    assert [s.op for s in stmts("a += 1\na -= 1\na *= 1\na /= 1")] == ["+", "-", "*", "/"]
    assert type(stmts("a.b.grad = None")[0].target) is A.Attribute
    assert type(stmts("y = a, b")[0].value) is A.TupleExpr


def test_expression_statements():
    (s,) = stmts("print(x.grad)")
    assert type(s) is A.ExprStmt and show(s.value) == "print(x.grad)"
    assert show(stmts("1, 2")[0].value) == "(1, 2)"


def test_if_elif_else_nests_elif_in_orelse():
    (s,) = stmts("if a:\n    x = 1\nelif b:\n    x = 2\nelif c: x = 3\nelse:\n    x = 4\n    y = 5\n")
    assert type(s) is A.If and show(s.test) == "a" and len(s.body) == 1
    (e1,) = s.orelse
    assert type(e1) is A.If and show(e1.test) == "b"
    (e2,) = e1.orelse
    assert show(e2.test) == "c" and [x.target for x in e2.orelse] == ["x", "y"]
    assert stmts("if a: pass")[0].orelse == ()


def test_loops_and_flow():
    w, f = stmts("while x < 3:\n    x += 1\n    if x: break\n    continue\n"
                 "for i in range(3): pass\n")
    assert type(w) is A.While and show(w.test) == "(x < 3)" and len(w.body) == 3
    assert type(w.body[1].body[0]) is A.Break and type(w.body[2]) is A.Continue
    assert type(f) is A.For and f.target == "i" and show(f.iter) == "range(3)" and type(f.body[0]) is A.Pass


def test_function_definitions():
    (f,) = stmts("def f(a, b=1,):\n    def g(c): return c * a\n    return g(b), a\n")
    assert type(f) is A.FunctionDef and f.name == "f"
    assert [(p.name, show(p.default)) for p in f.params] == [("a", ""), ("b", "1")]
    g, ret = f.body
    assert type(g) is A.FunctionDef and type(g.body[0]) is A.Return
    assert type(ret.value) is A.TupleExpr and show(ret.value) == "(g(b), a)"
    (h,) = stmts("def h(): return")
    assert h.params == () and h.body[0].value is None


def test_with_statements():
    (w,) = stmts("with torch.no_grad():\n    w -= lr * w.grad\n")
    assert type(w) is A.With and show(w.context) == "torch.no_grad()" and type(w.body[0]) is A.AugAssign
    assert show(stmts("with no_grad(): x = 1")[0].context) == "no_grad()"


@pytest.mark.parametrize("src, node", [
    ("import torch", A.Import(None, "torch", None)),
    ("import torch as t", A.Import(None, "torch", "t")),
    ("import torch.autograd", A.Import(None, "torch.autograd", None)),
    ("from torch.autograd import Variable", A.ImportFrom(None, "torch.autograd", (("Variable", None),))),
    ("from torch.autograd import grad as g, Variable",
     A.ImportFrom(None, "torch.autograd", (("grad", "g"), ("Variable", None)))),
    ("from torch import (ones, zeros)", A.ImportFrom(None, "torch", (("ones", None), ("zeros", None)))),
    ("from __future__ import print_function", A.ImportFrom(None, "__future__", (("print_function", None),))),
    ("import numpy", A.Import(None, "numpy", None)),      # which modules exist is the runtime's business
])
def test_imports(src, node):
    (s,) = stmts(src)
    assert type(s) is type(node) and s.module == node.module
    assert (s.asname == node.asname) if type(s) is A.Import else (s.names == node.names)


def test_semicolons_and_one_line_compound_statements():
    a, w = stmts("y = x*2; while norm(y) < 1000: y = y*2")
    assert type(a) is A.Assign and type(w) is A.While and len(w.body) == 1
    assert show(w.body[0].value) == "(y * 2)"
    (i,) = stmts("if c: a = 1; b = 2")
    assert [s.target for s in i.body] == ["a", "b"]
    (i,) = stmts("if c: a = 1; b = 2;")
    assert len(i.body) == 2
    assert len(stmts("a = 1; b = 2; c = 3;")) == 3
    assert len(stmts("a; b; if c: d\nelse: e")) == 3
    with pytest.raises(GSyntaxError):
        parse("if a: while b: c")            # as in Python: a one-line body is simple statements


def test_layout_comments_blank_lines_crlf_tabs():
    src = ("# 中文注释 comment\n\nx = 1  # trailing\n  # indented comment\nif x:\n\n        # deep comment\n"
           "    y = '中文 # not a comment'\n\n  \n    z = (1 +\n  2)\n# end")
    a, i = stmts(src)
    assert type(a) is A.Assign and [s.target for s in i.body] == ["y", "z"]
    assert i.body[0].value.value == "中文 # not a comment"
    assert show(stmts("if x:\r\n    y = 1\r\nz = 2")[0].test) == "x"
    assert len(stmts("if x:\n\ty = 1\n\tz = 2\n")[0].body) == 2
    assert len(stmts("x = 1")) == 1 and len(stmts("if x:\n    y = 1")[0].body) == 1   # no final newline
    assert show(stmts("x = 1 + \\\n    2")[0].value) == "(1 + 2)"
    assert stmts("") == () and stmts("\n\n# only a comment\n") == ()
    assert len(stmts("\ufeffx = 1")) == 1


def test_unicode_names_and_keywords_as_name_prefixes():
    assert show(expr("变量 + ifx + true + None_")) == "(((变量 + ifx) + true) + None_)"
    with pytest.raises(GSyntaxError):
        parse("if = 1")


# ----- spans -----

def test_spans_are_one_based_character_columns_end_exclusive():
    (s,) = stmts("名字 = foo(1, '中')")
    assert s.span == Span("<input>", 1, 1, 1, 17)
    call = s.value
    assert call.span == Span("<input>", 1, 6, 1, 17)
    assert call.func.span == Span("<input>", 1, 6, 1, 9)
    assert call.args[1].span == Span("<input>", 1, 13, 1, 16)


def test_spans_across_lines_and_statements():
    prog = parse("x = 1\nfor i in r:\n    y = (x +\n         i)\n", filename="t.g")
    assign, loop = prog.body
    assert assign.span == Span("t.g", 1, 1, 1, 6)
    # a parenthesised expression's span takes in its parentheses, so an expression around it
    # starts at the '(' (`(a + b) * c` is underlined from the '(')
    assert loop.span == Span("t.g", 2, 1, 4, 12)
    assert loop.body[0].value.span.end_column == 12
    add = loop.body[0].value
    assert add.span == Span("t.g", 3, 9, 4, 12) and add.right.span.line == 4
    mul = parse("y = (a + b) * c\n").body[0].value
    assert (mul.span.column, mul.span.end_column) == (5, 16) and mul.left.span.column == 5
    assert prog.span.file == "t.g" and prog.span.line == 1


def test_spans_of_compound_parts():
    (s,) = stmts("if a:\n    b\nelif c:\n\td\n")
    assert s.span == Span("<input>", 1, 1, 4, 3)
    assert s.orelse[0].span == Span("<input>", 3, 1, 4, 3)
    assert stmts("if a:\n\tb = 1")[0].body[0].span.column == 2          # a tab is one character


def test_first_line_numbers_an_entry_within_the_whole_input():
    prog = parse("x = 1\nif x:\n    y = (1 +\n  2)", "<stdin>", first_line=10)
    assert prog.span.line == 10 and prog.body[0].span == Span("<stdin>", 10, 1, 10, 6)
    assert prog.body[1].body[0].value.right.span.line == 13
    assert error("x = 1\ny = $", first_line=7).span.line == 8
    assert error("f(\n1", first_line=3).message == (
        "unexpected end of input: '(' opened at line 3, column 2 was never closed")
    assert error("  x", first_line=5).span.line == 5
    assert error("if x:", first_line=4).message == "expected an indented block after 'if' on line 4"


# ----- syntax errors: words, not token names, at the offending token -----

@pytest.mark.parametrize("src, message, line, column", [
    ("x = (1 + 2))", "unexpected ')'", 1, 12),
    ("x = 1 +", "expected an expression after '+'", 1, 8),
    ("1 + )", "expected an expression after '+'", 1, 5),
    ("x = ", "expected an expression after '='", 1, 5),
    ("y = [1, , 2]", "expected an expression after ','", 1, 9),
    ("x = -", "expected an expression after '-'", 1, 6),
    ("x = (1 + 2", "unexpected end of input: '(' opened at line 1, column 5 was never closed", 1, 5),
    ("f(1,\n  [2, 3", "unexpected end of input: '[' opened at line 2, column 3 was never closed", 2, 3),
    ("x = (1 +\ny = 2", "'(' opened at line 1, column 5 was never closed", 1, 5),
    ("while x y:\n    pass", "expected ':' after the condition of 'while'", 1, 9),
    ("while norm(y) < 1000 y = y*2", "expected ':' after the condition of 'while'", 1, 22),
    ("if x\n    y = 1", "expected ':' after the condition of 'if'", 1, 5),
    ("for i in range(3) pass", "expected ':' after 'for … in …'", 1, 19),
    ("def f(x) pass", "expected ':' after the parameters of 'def'", 1, 10),
    ("if a: pass\nelse pass", "expected ':' after 'else'", 2, 6),
    ("x = 1\n    y = 2", "unexpected indent", 2, 5),
    ("  x = 1", "unexpected indent", 1, 3),
    ("if x:\n        y = 1\n    z = 2", "unindent does not match any outer indentation level", 3, 5),
    ("if x:\ny = 1", "expected an indented block after 'if' on line 1", 2, 1),
    ("x = $", "invalid character '$'", 1, 5),
    ("x = 1 ? 2", "invalid character '?'", 1, 7),
    ("x = 'abc\n", "unterminated string", 1, 5),
    ('print("abc)', "unterminated string", 1, 7),
    ("x = 1 2", "unexpected number 2", 1, 7),
    ("for 1 in x: pass", "unexpected number 1; expected a name", 1, 5),
    ("def f x", "unexpected name 'x'; expected '('", 1, 7),
    ("x = 5 if y", "unexpected end of line; expected 'else'", 1, 11),
    ("else: pass", "unexpected 'else'", 1, 1),
    ("(]", "closing ']' does not match '(' opened at line 1, column 1", 1, 2),
    ("x = 1; ; y", "unexpected ';'", 1, 8),
    ("if a: while b: c", "unexpected 'while'", 1, 7),
])
def test_syntax_error_messages(src, message, line, column):
    err = error(src)
    assert err.message == message
    assert (err.span.line, err.span.column) == (line, column)


# Python-only constructs are named, with what to write instead (issue 15), not "is an operator
# or ',' missing before it?"
@pytest.mark.parametrize("src, message, column, hint", [
    ("f = lambda x: x * 2", "G has no 'lambda'", 5, "def f(x)"),
    ("g(lambda: 1)", "G has no 'lambda'", 3, "def f(x)"),
    ("class Model: pass", "G has no classes ('class')", 1, "def"),
    ("y = [i * 2 for i in range(3)]", "G has no comprehensions ('for' inside brackets)", 12, "for loop"),
    ("y = sum(i for i in x)", "G has no comprehensions ('for' inside brackets)", 11, "for loop"),
    ("y = 7 // 2", "G has no '//' (floor division)", 7, "floor(a / b)"),
])
def test_python_only_constructs_are_named(src, message, column, hint):
    err = error(src)
    assert err.message == message
    assert err.span.column == column
    assert hint in err.hint and "operator" not in err.hint


def test_a_for_loop_and_a_spaced_division_are_not_taken_for_python_only_constructs():
    stmts("for i in range(3): y = [i, 2]\n")
    assert error("y = 7 / / 2").message == "expected an expression after '/'"


# Tabs and spaces mixed so that the width of a tab would decide the blocks: Python's TabError
# (issue 15; LANGUAGE.md §2). Each of these is a TabError in CPython too.
@pytest.mark.parametrize("src, line", [
    ("if x:\n        y = 1\n\tz = 2\n", 3),            # 8 spaces, then a tab: same level only at 8
    ("if x:\n\ty = 1\n        z = 2\n", 3),
    ("if x:\n    y = 1\n    if y:\n\tz = 2\n", 4),    # a tab deeper than 4 spaces only at width > 4
    ("if x:\n  \ty = 1\n\tz = 2\n", 3),
    ("if x:\n    if y:\n\tz = 1\n    w = 2\n", 3),
])
def test_tabs_and_spaces_mixed_inconsistently_is_a_syntax_error(src, line):
    err = error(src)
    assert err.message.startswith("tabs and spaces mixed"), err.message
    assert err.span.line == line


@pytest.mark.parametrize("src", [
    "if x:\n\ty = 1\n\tz = 2\n",                       # tabs only
    "if x:\n    y = 1\nelif w:\n\tz = 2\n",               # separate blocks may differ
    "if x:\n\tif y:\n\t    z = 1\n\tw = 2\n",            # a tab, then spaces, consistently
    "if x:\n    y = 1\n\n\n    z = 2\n",
])
def test_tabs_and_spaces_used_consistently_parse(src):
    stmts(src)


@pytest.mark.parametrize("src", [
    "x = = 1", "f(", ")", "x = 1 +", "while x y: pass", "if", "a b", "x = (", "def", "x.", "1 = 2",
    "for in x: pass", "[1, 2", "import", "from x", "x = not", "a if b", "t[", "lambda: 1", "x++",
])
def test_messages_never_show_lark_token_names(src):
    message = error(src).message
    for internal in ("$END", "__ANON", "_NEWLINE", "_INDENT", "_DEDENT", "RPAR", "LPAR", "NAME",
                     "NUMBER", "UADD", "TIF", "TELSE", "COLON", "EQUAL", "Token("):
        assert internal not in message, message


@pytest.mark.parametrize("src, message, hint", [
    ("f(x) = 1", "cannot assign to a function call", "=="),
    ("1 = x", "cannot assign to a literal", "=="),
    ("a + b = 1", "cannot assign to an expression", None),
    ("a, b = 1, 2", "cannot assign to a tuple", "unpacking"),
    ("f(x)[0] = 1", "cannot assign to an index of an expression", "name[index]"),
    ("a = b = 1", "chained assignment is not supported", None),
    ("x[0] += 1", "'+=' needs a plain name on its left", "t[i] = t[i] + v"),
    ("if x = 1: pass", "expected ':' after the condition of 'if'", "=="),
    ("a == not b", "'not' cannot follow '=='", "parentheses"),
    ("-not b", "'not' cannot follow '-'", "parentheses"),
    ("f(a=1, 2)", "positional argument follows keyword argument", None),
    ("f(a=1, a=2)", "keyword argument repeated: a", None),
    ("def f(a=1, b): pass", "a parameter without a default follows one with a default", None),
    ("def f(a, a): pass", "duplicate parameter 'a'", None),
    (r'x = "\ud800"', "invalid escape '\\ud800' in string", None),
])
def test_semantic_syntax_errors(src, message, hint):
    err = error(src)
    assert err.message.startswith(message), err.message
    assert (hint is None and err.hint is None) or (hint is not None and hint in (err.hint or ""))


@pytest.mark.parametrize("src, message, line, column", [
    ("break", "'break' outside a loop", 1, 1),
    ("x = 1\ncontinue", "'continue' outside a loop", 2, 1),
    ("return 1", "'return' outside a function", 1, 1),
    ("if x:\n    return", "'return' outside a function", 2, 5),
    ("for i in r:\n    def f():\n        break", "'break' outside a loop", 3, 9),
    ("with no_grad():\n    continue", "'continue' outside a loop", 2, 5),
])
def test_flow_statements_outside_their_construct(src, message, line, column):
    err = error(src)
    assert err.message == message and (err.span.line, err.span.column) == (line, column)


def test_flow_statements_inside_their_construct():
    parse("for i in r:\n    if i: break\n    else:\n        with g(): continue\n"
          "while x:\n    def f(a):\n        def g(): return a\n        for j in a: return j\n    break\n")


def test_dunder_names_are_syntax_errors():
    for src in ("__x = 1", "x.__class__", "f(__k=1)", "def __f(): pass", "def f(__a): pass",
                "for __i in r: pass", "import __future__", "from __future__ import __x", "__"):
        err = error(src)
        assert err.message == "names beginning with '__' are not allowed", src
    assert error("y = x.__class__").span == Span("<input>", 1, 7, 1, 16)
    assert stmts("from __future__ import print_function")[0].module == "__future__"
    assert show(expr("_x + x_ + a__b + _")) == "(((_x + x_) + a__b) + _)"


def test_garbage_is_a_syntax_error():
    for src in ("\x00", "x = 1\x00", "\x00" * 1000, "x = \x07", "\udcff", "x = '\ud800'",
                bytes(range(256)), b"x = 1\ny = \xff\xfe", b"\xc3", "\x1b[31m", "x\u200b = 1"):
        error(src)
    rng = random.Random(1234)
    for _ in range(200):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))
        try:
            parse(blob)
        except (GSyntaxError, LimitError):
            pass


def test_error_in_invalid_utf8_points_at_the_byte():
    err = error(b"x = 1\ny = '\xc3\xa9\xff'")
    assert err.message == "invalid UTF-8 byte 0xFF" and (err.span.line, err.span.column) == (2, 7)


def test_first_error_in_text_order_wins():
    assert error("x = = 1\ny = $").message.startswith("expected an expression after '='")
    assert error("x = $\ny = = 1").message == "invalid character '$'"


# ----- the nesting limit (§11) -----

_NESTED = {
    "parens": lambda n: "(" * n + "1" + ")" * n,
    "lists": lambda n: "[" * n + "1" + "]" * n,
    "calls": lambda n: "f(" * n + "1" + ")" * n,
    "unary": lambda n: "x = " + "-" * n + "1",
    "not": lambda n: "x = " + "not " * n + "y",
    "power": lambda n: "2" + "**2" * n,
    "ternary": lambda n: "x = " + "a if b else " * n + "c",
    "elif": lambda n: "if a: pass\n" + "elif a: pass\n" * n,
    "blocks": lambda n: "".join(" " * i + "if x:\n" for i in range(n)) + " " * n + "pass\n",
}


@pytest.mark.parametrize("kind", _NESTED)
def test_nesting_limit(kind):
    make = _NESTED[kind]
    parse(make(150))
    err = error(make(400 if kind == "blocks" else 10_000), LimitError)
    assert "--max-nesting N" in err.message and "200" in err.message
    error(make(20), LimitError, max_nesting=10)
    parse(make(20), max_nesting=25)


def test_ten_thousand_nested_brackets_fail_fast_at_the_bracket():
    started = time.perf_counter()
    err = error("x = " + "(" * 10_000 + "1" + ")" * 10_000, LimitError)
    assert time.perf_counter() - started < 5
    assert (err.span.line, err.span.column) == (1, 5 + 200)
    assert err.kind == "LimitError"


def test_nesting_adds_up_across_kinds():
    def src(n):                          # 1 block + n brackets + n prefix minuses
        return "if a:\n    x = " + "(-" * n + "1" + ")" * n + "\n"
    parse(src(99))
    error(src(100), LimitError)


def test_flat_chains_are_not_nesting():
    n = 100_000
    prog = parse("x = " + "+".join(["1"] * n))
    node, count = prog.body[0].value, 0
    while type(node) is A.BinOp:                  # left-deep: walk it without recursion
        node, count = node.left, count + 1
    assert count == n - 1
    parse(" and ".join(["x"] * 20_000))
    parse("[" + ", ".join(["1"] * 20_000) + "]")
    assert len(expr(" < ".join(["x"] * 20_000)).ops) == 19_999
    assert len(stmts("x = 1\n" * 20_000)) == 20_000


@pytest.mark.parametrize("make", [lambda n: "a" + ".b" * n, lambda n: "f" + "()" * n,
                                  lambda n: "t" + "[0]" * n, lambda n: "x" + ".abs()" * n,
                                  lambda n: "x" + "[0:3]" * n],
                         ids=["attributes", "call-chain", "index-chain", "method-chain", "slice-chain"])
def test_postfix_chains_are_flat(make):
    """§11: `x.abs().abs()…` and `x[0:3][0:3]…` are flat chains, not nesting, at any length."""
    node, count = expr(make(20_000)), 0
    while type(node) in (A.Call, A.Subscript, A.Attribute):     # walk it without recursion
        node = node.func if type(node) is A.Call else node.value
        count += 1
    assert count >= 20_000
    parse(make(300), max_nesting=10)


# ----- is_complete (the REPL's question, DESIGN.md rule 8) -----

@pytest.mark.parametrize("src, complete", [
    ("x = 1", True),
    ("", True),
    ("   ", True),
    ("# just a comment", True),
    ("while c: y = y*2", True),
    ("y = x*2; while norm(y) < 1000: y = y*2", True),
    ("x = (1,", False),
    ("x = (1,\n", False),
    ("x = (1,\n\n", False),                     # blank lines inside brackets continue
    ("f(1,\n  2", False),
    ("f(1,\n  2)", True),
    ("x = [1, 2", False),
    ("if x:", False),
    ("if x:  # comment", False),
    ("for i in range(3):", False),
    ("if x:\n    y = 1", False),                 # inside a block: wait for the empty line
    ("if x:\n    y = 1\n", True),                # the empty line closes it
    ("if x:\n    y = 1\n    ", True),
    ("if x:\n    y = 1\nelse:", False),
    ("if x:\n    y = 1\nelse:\n    y = 2", False),
    ("if x:\n    y = 1\nelse:\n    y = 2\n", True),
    ("def f(a):\n    return a", False),
    ("def f(a):\n    return a\n", True),
    ("if x:\n", True),                          # empty line right after ':' -> run -> error
    ("x = 1 + \\", False),
    ("x = 1 +", True),                           # a definite syntax error: run it, report it
    ("x = )", True),
    ("x = $", True),
    ("  x = 1", True),
    ("x = 'abc", True),
    ("(]", True),
    pytest.param("(" * 10_000 + "1" + ")" * 10_000, True, id="deep-closed"),   # LimitError when run
    pytest.param("(" * 10_000, False, id="deep-open"),
])
def test_is_complete(src, complete):
    assert is_complete(src) is complete


# ----- robustness: nothing but GSyntaxError / LimitError, ever -----

_PIECES = ["x", "y", "f", "(", ")", "[", "]", ",", ":", ";", "\n", "    ", "\t", " ", "=", "==", "+", "-",
           "*", "**", "^", "/", "@", "%", "<", ">=", "!=", "not", "and", "or", "if", "elif", "else",
           "while", "for", "in", "def", "return", "break", "continue", "pass", "with", "import", "from",
           "as", "True", "None", "1", "2.5", ".5", "1e-3", "'s'", '"t"', "#c", ".", "+=", "__", "__future__",
           "\\", "\r\n", "\x00", "$", "中", "'", '"', "\\\n", "\f", "\ud800", "lambda", "\ufeff"]


def _only_our_errors(src):
    try:
        prog = parse(src)
        assert type(prog) is A.Program
    except (GSyntaxError, LimitError) as err:
        assert isinstance(err.span, Span) and err.span.line >= 1 and err.span.column >= 1
        assert err.message and "Token(" not in err.message
    assert is_complete(src) in (True, False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_random_text_raises_only_our_errors(src):
    _only_our_errors(src)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_PIECES), max_size=60).map("".join))
def test_random_token_soup_raises_only_our_errors(src):
    _only_our_errors(src)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_raise_only_our_errors(data):
    try:
        parse(data)
    except (GSyntaxError, LimitError):
        pass


# ----- the grammar and the tables -----

ROOT = Path(__file__).resolve().parent.parent


def _grammar_text():
    return (ROOT / "grammar" / "g.lark").read_text(encoding="utf-8")


def test_grammar_is_lalr1_without_conflicts():
    import lark
    from lark.lexer import Lexer

    class NoLexer(Lexer):     # strict mode checks the LALR table; the lexer is ours anyway
        def __init__(self, conf):
            pass

        def lex(self, *args):
            return iter(())

    lark.Lark(_grammar_text(), parser="lalr", lexer=NoLexer, maybe_placeholders=True, strict=True)


def test_every_rule_has_a_builder_method():
    from gradcli.lang.parse import lalr, tables
    from gradcli.lang.parse.builder import Builder
    for lhs, name, symbols, *_, expand1 in map(lalr.rule, tables.RULES):
        if not name.startswith("_") and not (expand1 and len(symbols) == 1):
            assert callable(getattr(Builder, name, None)), name
    assert len(lalr.RULES) == len(tables.RULES)
    # the handlers are made on a rule's first use (start-up time): each can be made
    for r in range(len(tables.RULES)):
        lhs, size, delta, fn = lalr.handler(r)
        assert lhs == lalr.rule(tables.RULES[r])[0] and lalr.RULES[r] is not None


def test_the_committed_tables_are_generated_from_the_grammar():
    """gradcli/lang/parse/tables.py is what scripts/gen_parse_tables.py makes of grammar/g.lark
    today (run the script after changing the grammar), whatever Python's hash seed."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("gen_parse_tables",
                                                  ROOT / "scripts" / "gen_parse_tables.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    committed = (ROOT / "gradcli" / "lang" / "parse" / "tables.py").read_text(encoding="utf-8")
    assert gen.same_tables(gen.generate(_grammar_text()), committed), \
        "run python scripts/gen_parse_tables.py"
    assert committed.splitlines()[0].startswith("# generated")
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_parse_tables.py"), "--check"],
                          env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_parsing_needs_no_lark_and_writes_no_cache(tmp_path):
    code = ("import sys; sys.modules['lark'] = None\n"        # importing Lark would fail
            "from gradcli.lang.parse import parse\n"
            "assert parse('-x**2').body[0].value.op == '-'\n"
            "assert not [m for m in sys.modules if m.startswith('lark.')]\n")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path), "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert list(tmp_path.iterdir()) == []


def _precedence_rows():
    """The operator rows of the precedence table of docs/language.md, lowest first."""
    text = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    section = text[text.index("## 5. Expressions and precedence"):]
    section = section[:section.index("\n\n", section.index("| operators |"))]
    rows = [line.split("|")[1].strip() for line in section.splitlines() if line.startswith("| ")]
    return rows[1:]       # without the header


def test_the_precedence_table_is_the_one_of_the_language_reference():
    from gradcli.lang.parse.builder import PRECEDENCE
    from gradcli.lang.parse.scanner import scan
    rows = _precedence_rows()
    assert rows[0] == "`a if c else b`" and rows[-1].startswith("`f(a, k=v)`")   # grammar rules
    documented = [tuple(re.findall(r"`([^`]+)`", row)[0].split()) if not row.startswith("`**`")
                  else ("**", "^") for row in rows[1:-1]]
    assert [spellings for _, spellings in PRECEDENCE] == documented
    assert rows[1:-1][[k for k, _ in PRECEDENCE].index("UADD")].startswith("unary")
    for kind, spellings in PRECEDENCE:       # each spelling is scanned as the kind folded here
        for op in spellings:
            text = f"{op} x\n" if kind in ("UADD", "NOT") else f"a {op} b\n"
            toks, _ = scan(text, "<t>", 1)
            assert toks[0 if kind in ("UADD", "NOT") else 1].kind == kind, (op, kind)


def test_the_tutorial_parses():
    prog = parse("""# tutorial.g — the PyTorch autograd tutorial, in G
x = ones(2, 2, requires_grad=True)
y = x + 2
print(y.grad_fn)            # <AddBackward0>
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)               # tensor([[4.5000, 4.5000], [4.5000, 4.5000]])

x = randn(3, requires_grad=True)
y = x * 2; while norm(y) < 1000: y = y * 2
y.backward([0.1, 1.0, 0.0001])
print(x.grad)               # [0.1, 1.0, 0.0001] times 2**k
with torch.no_grad():
    w -= lr * w.grad
gs = grad(y, [x, w])
x = 3; x**2 + sin(x)
""")
    assert len(prog.body) == 16
