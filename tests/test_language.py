"""Language semantics pinned in process (gradcli.run_source / Session): what is awkward as a golden
script — the --wrt marking rules of §10, identities, the session's events, limits, robustness."""
from __future__ import annotations

import math
import numpy as np
import pytest
from click.testing import CliRunner

from gradcli import run_source
from gradcli.autograd.tensor import Tensor
from gradcli.cli import main
from gradcli.errors import GradcliError, LimitError
from gradcli.lang.runtime import Options, Session


def grads(src, wrt=("x",), of=None, **opts):
    s = Session(Options(wrt=tuple(wrt), of=of, **opts))
    s.run(src)
    out = s.result_output()
    return s, out, {k: v.data.tolist() for k, v in s.gradients(out).items()}


def error_of(src, **kw) -> GradcliError:
    with pytest.raises(GradcliError) as info:
        run_source(src, **kw)
    return info.value


# ----- §10 --wrt marking: every tensor without grad_fn bound to NAME at top level -----

@pytest.mark.parametrize("src, expected", [
    ("x = 2\ny = x ** 3", 12.0),                       # =
    ("x = 2\nx = 3\ny = x ** 2", 6.0),                 # rebinding: the most recent one
    ("x = 2\ny = x ** 2\nx = 10\nout = y", 0.0),       # the most recent binding, which y does not use
    ("x = 2\nx = x + 1\ny = x * x", 6.0),              # x + 1 has a grad_fn: not marked; d/d(first x)
    ("x = 2\nwith no_grad():\n    x += 1\ny = x * x", 6.0),   # op= under no_grad: the same leaf, new value
    ("for x in range(4):\n    y = x * x", 6.0),        # for: the last loop value
    ("if True:\n    x = 4\ny = x ** 2", 8.0),          # branches are top level
    ("x = [1, 2]\ny = x.sum()", [1.0, 1.0]),           # a list bound to a name is a tensor
    ("def f():\n    x = 5\n    return x\nx = 1\ny = f() * x", 5.0),   # a local x is not marked
])
def test_wrt_marking(src, expected):
    s, out, g = grads(src)
    assert g["x"] == expected


def test_wrt_marks_later_binding_that_output_ignores():
    # `x = 10` is the most recent binding: d y / d (x = 10) is 0, and the output is x itself
    s, out, g = grads("x = 2\ny = x ** 2\nx = 10")
    assert out.name == "x" and g["x"] == 1.0
    s, out, g = grads("x = 2\ny = x ** 2\nx = 10", of="y")
    assert g["x"] == 0.0


def test_wrt_marks_index_assignment_under_no_grad():
    # NAME[i] = v without a graph gives a tensor without grad_fn: it is marked
    s, out, g = grads("x = zeros(2)\nwith no_grad():\n    x[0] = 3\ny = (x * x).sum()")
    assert g["x"] == [6.0, 0.0]


def test_wrt_index_assignment_with_graph_differentiates_the_earlier_leaf():
    s, out, g = grads("x = tensor([1., 2.])\nx[0] = 5\ny = (x * x).sum()")
    assert g["x"] == [0.0, 4.0]
    assert s.globals["x"].grad_fn is not None


def test_wrt_marks_set_value():
    s = Session(Options(wrt=("w",)))
    s.apply_sets([("w", "[1, 2, 3]")])
    s.run("loss = (w * w).sum()")
    assert isinstance(s.globals["w"], Tensor) and s.globals["w"].requires_grad
    assert s.gradients(s.result_output())["w"].data.tolist() == [2.0, 4.0, 6.0]


def test_wrt_leaf_requiring_grad_is_marked_as_is():
    s, out, g = grads("x = tensor(3., requires_grad=True)\nkeep = x\ny = x * x")
    assert s.marked["x"] is s.globals["keep"]
    assert g["x"] == 6.0


def test_wrt_does_not_touch_grad():
    s, out, g = grads("x = tensor([1., 2.])\ny = (x * x).sum()")
    assert s.globals["x"].grad is None
    assert s.globals["x"].requires_grad


def test_wrt_marked_tensor_is_a_copy_of_an_unmarked_value():
    s, out, g = grads("a = ones(2)\nx = a\ny = (x * 3).sum()")
    assert not s.globals["a"].requires_grad and s.globals["x"].requires_grad
    assert g["x"] == [3.0, 3.0]


def test_wrt_never_bound_to_a_tensor_is_a_name_error():
    s = Session(Options(wrt=("x",)))
    s.run("x = 'text'\ny = 2 * 3")
    with pytest.raises(GradcliError) as info:
        s.gradients(s.result_output())
    assert info.value.kind == "NameError"


def test_wrt_jacobian_shape_is_output_shape_plus_input_shape():
    s, out, g = grads("x = ones(2, 3)\ny = x.sum(axis=1) * tensor([1., 2.])")
    assert np.array(g["x"]).shape == (2, 2, 3)
    assert np.array(g["x"]).tolist() == [[[1, 1, 1], [0, 0, 0]], [[0, 0, 0], [2, 2, 2]]]


# ----- §10 the default output -----

@pytest.mark.parametrize("src, name, value", [
    ("a = 2\nb = a * 3", "b", 6.0),
    ("a = 2\na * 5", None, 10.0),
    ("a = 2\nb = a * 3\nprint(b)", "b", 6.0),                 # print does not count
    ("a = ones(1, requires_grad=True)\nb = a.sum()\nb.backward()", "b", 1.0),   # backward does not count
    ("a = 2\nb = 'text'", "a", 2.0),                          # a string is not a tensor
    ("a = 2\nfor i in range(3): pass", "a", 2.0),             # loop variables are not statements
    ("a = 2\ndef f(): return 9\nb = f()", "b", 9.0),
])
def test_default_output(src, name, value):
    s = run_source(src)
    out = s.result_output()
    assert out.name == name and float(out.value.data) == value


def test_no_output():
    assert run_source("print(1)").result_output() is None
    s = Session(Options(wrt=("x",)))
    s.run("x = 1\nprint(x)")
    assert s.result_output().name == "x"


def test_of_non_tensor_is_an_error():
    s = Session(Options(of="s"))
    s.run("s = 'text'")
    with pytest.raises(GradcliError):
        s.result_output()


# ----- session events -----

def test_printed_lines_and_variables():
    s = run_source("x = eye(2)\nprint(x)\nprint('a', 1)\nb = True\nl = [ones(1), ones(2)]\nn = len([1])")
    assert s.printed == ["tensor([[1., 0.],", "        [0., 1.]])", "a 1"]
    assert set(s.variables()) == {"x", "n"}


def test_print_and_graph_reach_each_session_through_its_own_callbacks():
    """No module-global hook: a session nested in another (a --check re-run) prints into its
    own callbacks, and a session without `on_graph` shows nothing for graph(t)."""
    lines, graphs, inner_lines = [], [], []
    outer = Session(out=lines.append, on_graph=lambda s, t: graphs.append((s, t)))
    inner = Session(out=inner_lines.append)
    outer.run_entry("x = ones(2)\nprint('outer')\n", "<stdin>", 1)
    inner.run("print('inner')\ngraph(ones(1))")
    outer.run_entry("graph(x)\nprint('outer again')\n", "<stdin>", 3)
    assert lines == ["outer", "outer again"] and inner_lines == ["inner"]
    assert graphs == [(outer, outer.globals["x"])]


def test_errors_keep_session_variables_between_entries():
    s = Session()
    s.run_entry("a = 5\n", "<stdin>", 1)
    with pytest.raises(GradcliError):
        s.run_entry("b = a + nope\n", "<stdin>", 2)
    s.run_entry("c = a * 2\n", "<stdin>", 3)
    assert float(s.globals["c"].data) == 10.0


def test_error_spans_are_one_based_character_columns():
    err = error_of("x = 1\ns = '中文' + nope")
    assert err.kind == "NameError" and (err.span.line, err.span.column) == (2, 12)


def test_error_in_function_has_call_trace():
    err = error_of("def f(v):\n    return v + ones(3)\ndef g(v):\n    return f(v)\ng(ones(2))")
    assert err.kind == "ShapeError"
    assert err.span.line == 2
    assert [sp.line for sp in err.trace] == [5, 4]


# ----- §3/§5 values never change, except the no_grad leaf update -----

def test_sgd_step_keeps_identity_and_grad():
    s = run_source("w = tensor([1., 2.], requires_grad=True)\nw0 = w\nd = w.detach()\n"
                   "(w * w).sum().backward()\ng = w.grad\nwith no_grad():\n    w -= 0.5 * w.grad")
    w = s.globals["w"]
    assert w is s.globals["w0"]
    assert w.data.tolist() == [0.0, 0.0] and w.requires_grad and w.grad_fn is None
    assert w.grad is s.globals["g"]
    assert s.globals["d"].data.tolist() == [1.0, 2.0]


def test_aug_assign_with_grad_on_rebinds():
    s = run_source("w = tensor([1., 2.], requires_grad=True)\nw0 = w\nw -= 1")
    assert s.globals["w"] is not s.globals["w0"]
    assert s.globals["w0"].data.tolist() == [1.0, 2.0]


def test_aug_assign_on_non_leaf_under_no_grad_rebinds():
    s = run_source("a = tensor(1., requires_grad=True)\nw = a * 2\nw0 = w\nwith no_grad():\n    w += 1")
    assert s.globals["w"] is not s.globals["w0"] and float(s.globals["w0"].data) == 2.0
    assert float(s.globals["w"].data) == 3.0 and not s.globals["w"].requires_grad


def test_accumulation_binds_a_new_grad_tensor():
    s = run_source("x = tensor(1., requires_grad=True)\n(x * 2).backward()\ng = x.grad\n(x * 2).backward()")
    assert float(s.globals["g"].data) == 2.0 and float(s.globals["x"].grad.data) == 4.0


def test_index_assign_is_out_of_place():
    s = run_source("a = zeros(3)\nb = a\na[1] = 7")
    assert s.globals["b"].data.tolist() == [0, 0, 0] and s.globals["a"].data.tolist() == [0, 7, 0]


# ----- §11 limits and robustness -----

def test_recursion_limit_names_the_option():
    err = error_of_session("def f(n): return f(n + 1)\nf(0)", max_depth=30)
    assert isinstance(err, LimitError) and "--max-depth" in err.message


def test_recursion_below_the_limit_works():
    s = Session(Options(max_depth=100))
    s.run("def f(n): return 0 if n == 0 else 1 + f(n - 1)\nr = f(95)")
    assert float(s.globals["r"].data) == 95


def test_nesting_limit_names_the_option():
    err = error_of_session("x = " + "(" * 30 + "1" + ")" * 30, max_nesting=20)
    assert isinstance(err, LimitError) and "--max-nesting" in err.message
    err = error_of_session("x = " + "-" * 30 + "1", max_nesting=20)
    assert isinstance(err, LimitError)


def test_flat_chains_are_not_nesting():
    s = run_source("x = " + "+".join(["1"] * 20000))
    assert float(s.globals["x"].data) == 20000


def test_memory_limit_refuses_up_front():
    err = error_of("x = ones(10**9)")
    assert isinstance(err, LimitError) and "--max-memory" in err.message


def error_of_session(src, **opts):
    s = Session(Options(**opts))
    with pytest.raises(GradcliError) as info:
        s.run(src)
    return info.value


@pytest.mark.parametrize("code", [
    "x.__class__", "ones(1).__dict__", "eval('1')", "exec('x = 1')", "open('f')", "getattr(ones(1), 'data')",
    "import os", "from os import path", "__import__('os')", "'abc'.join", "None()", "print(sep=1)",
    "def f(): return f()\nf()", "(" * 500, "[" * 300 + "]" * 300, "-" * 1000 + "1", "not " * 1000 + "1",
    "'\\x'", "'\\uD800'", "p = []\nstack(p)", "p = []\ncat(p)", "x = 1\nx[0] = 2", "ones(2)[[0, 5]]",
    "ones(2)[1:2:0]", "range(1, 2, 0)", "ones(2, 2).reshape(-1, -1)", "transpose(ones(2), 0, 5)",
    "tensor('a')", "tensor([[1], [1, 2]])", "full('a', 1)", "linspace(0, 1, -1)", "arange(0, 1, 0)",
    "ones(2).backward(gradient='a')", "grad(1, 2)", "jacobian(1, 2)", "hessian(ones(2), ones(2))",
    "Variable('a')", "zero_grad(1)", "seed(-1)", "seed(1.5)", "len(1)", "item(ones(2))",
    "softmax(ones(2), axis=3)", "x = ones(2)\nx.grad = ones(3)", "t = (1, 2)\nt[0] = 1",
    "with 1: pass", "for i in 5: pass", "a, b = 1, 2", "x = y = 1", "f(x=1, x=2)", "def f(a, a): pass",
    "1 +", "x = 1 2", "if x\n  y", "\tx = 1", "x = '", "x = \x00", "\ufeffx = 1\nx.__y",
    "ones(3) @ ones(2)", "inv(ones(2, 2))", "det(ones(2, 3))", "dot(ones(2, 2), ones(2))",
    "max(ones(2), 0.5)", "sum(ones(2), axis=0.5)", "ones(2) ** 'a'", "-'a'", "not_defined_thing",
])
def test_no_traceback_in_process(code):
    result = CliRunner().invoke(main, ["run", "-e", code], catch_exceptions=False)
    assert "Traceback" not in result.stderr
    assert result.exit_code in (0, 1), (code, result.stderr)
    if result.exit_code == 1:
        assert result.stderr.split(":")[0] in {"SyntaxError", "NameError", "TypeError", "ValueError",
                                               "IndexError", "LimitError", "ShapeError", "GradError"}, \
            (code, result.stderr)


# ----- §4 lists and §8 Variable / torch namespace -----

def test_list_literal_bound_is_tensor_but_grad_list_stays_list():
    s = run_source("x = tensor(2., requires_grad=True)\nw = tensor(3., requires_grad=True)\n"
                   "v = [x, 2 * x]\ngs = grad(x * w, [x, w])\nr = [ones(2), ones(3)]")
    assert isinstance(s.globals["v"], Tensor) and s.globals["v"].grad_fn is not None
    assert isinstance(s.globals["gs"], list) and len(s.globals["gs"]) == 2
    assert isinstance(s.globals["r"], list)


def test_torch_autograd_grad_returns_tuple_and_builtins_without_import():
    s = run_source("x = ones(2, requires_grad=True)\nr = torch.autograd.grad(x.sum(), x)\n"
                   "v = Variable(ones(2), requires_grad=True)\nf = FloatTensor([1, 2])")
    assert isinstance(s.globals["r"], tuple) and len(s.globals["r"]) == 1
    assert s.globals["v"].requires_grad and s.globals["v"].grad_fn is None
    assert s.globals["f"].data.tolist() == [1.0, 2.0]


def test_variable_is_a_leaf_copy():
    s = run_source("a = tensor(1., requires_grad=True)\nb = a * 2\nv = Variable(b, requires_grad=True)\n"
                   "(v * 3).backward()")
    assert s.globals["v"] is not s.globals["b"]
    assert float(s.globals["v"].grad.data) == 3.0 and s.globals["a"].grad is None


def test_wrt_boolean_tensor_error_has_a_place():
    s = Session(Options(wrt=("a",)))
    with pytest.raises(GradcliError) as info:
        s.run("b = 1\na = ones(2) > 0")
    assert info.value.kind == "GradError" and info.value.span.line == 2


def test_grad_inputs_must_require_grad():
    for code in ["x = tensor(2.)\ng = grad(x * 2, x)", "x = tensor(2.)\ng = grad(x * 2, [x])",
                 "x = tensor(2.)\ng = torch.autograd.grad(x * 2, x)", "x = ones(2)\nj = jacobian(x * 2, x)",
                 "x = ones(2)\nh = hessian((x * x).sum(), [x])"]:
        err = error_of(code)
        assert err.kind == "GradError" and "requires_grad=True" in err.message and err.span.line == 2, code
    # the function forms differentiate at a point: a plain tensor is fine there
    s = run_source("def f(t): return (t * t).sum()\ng = grad(f)(ones(2))\nh = hessian(f, ones(2))")
    assert s.globals["g"].data.tolist() == [2.0, 2.0]


def test_jacobian_and_hessian_take_a_list_of_inputs_as_it_is():
    s = run_source("x = tensor(2., requires_grad=True)\nw = tensor(3., requires_grad=True)\ny = x * w * w\n"
                   "j = jacobian(y, [x, w])\nh = hessian(y, [x, w])")
    assert [float(t.data) for t in s.globals["j"]] == [9.0, 12.0]
    assert [[float(t.data) for t in row] for row in s.globals["h"]] == [[0.0, 6.0], [6.0, 4.0]]


def test_zero_in_place_where_pytorch_allows_it():
    s = run_source("w = ones(2, requires_grad=True)\n(w * w).sum().backward()\ng = w.grad\n"
                   "w.grad.zero_()\nwith no_grad():\n    w.zero_()\nd = w.grad.data")
    assert s.globals["g"] is s.globals["w"].grad and s.globals["g"].data.tolist() == [0.0, 0.0]
    assert s.globals["w"].data.tolist() == [0.0, 0.0] and s.globals["w"].requires_grad
    assert s.globals["d"] is s.globals["w"].grad
    assert error_of("x = 3\nx.zero_()").kind == "TypeError"     # numbers never change
    for code in ["w = ones(2, requires_grad=True)\nw.zero_()",
                 "w = ones(2, requires_grad=True)\ny = w * 2\nwith no_grad():\n    y.zero_()"]:
        err = error_of(code)
        assert err.kind == "GradError" and "in place" in err.message and err.span.line >= 2, code


def test_float_and_int_as_in_python():
    s = run_source("a = float('nan')\nb = float('-inf')\nc = int(-2.5)\nd = float(tensor([2.5]))\n"
                   "e = int('7')\nf = tensor([float('inf'), 1.0])")
    g = s.globals
    assert math.isnan(float(g["a"].data)) and float(g["b"].data) == -math.inf
    assert float(g["c"].data) == -2.0 and float(g["d"].data) == 2.5 and float(g["e"].data) == 7.0
    assert g["f"].data.tolist() == [math.inf, 1.0]
    for code in ["x = float('abc')", "x = int(inf)", "x = float(ones(2))"]:
        assert error_of(code).kind in ("ValueError", "TypeError"), code
