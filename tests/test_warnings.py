"""No Python or NumPy warning ever reaches a user (LANGUAGE.md §5, §11), fuzzed over the ops table.

Every op of `gradcli.autograd.ops.TABLE` runs from G on empty, NaN, infinite, huge (and tiny)
and zero inputs — forward, gradient and second-order gradient (which runs the VJPs' own ops:
`sigmoid_backward`, `scatter`, …) — through the real command line in piped mode, the values
echoed as text and as JSON. Each batch runs twice, under `python -W error` (a warning that is not
silenced becomes an exception) and `python -W always` (it is printed): both must print exactly
the same, and neither a warning nor a traceback. The three logical ops, which no G syntax
reaches, run in-process with warnings as errors.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from gradcli.autograd import functions, ops

# The inputs: a and b (vectors), m (a square matrix) and s (0-d), all requiring grad.
KINDS = {
    "empty": ("zeros(0)", "zeros(0)", "zeros(0, 0)", "tensor(0.)"),
    "nan": ("tensor([nan, 1., -1.])", "tensor([nan, nan, 0.])", "tensor([[nan, 1.], [1., nan]])",
            "tensor(nan)"),
    "inf": ("tensor([inf, -inf, 1.])", "tensor([inf, 0., -inf])", "tensor([[inf, 1.], [-inf, inf]])",
            "tensor(-inf)"),
    "huge": ("tensor([1e308, -1e308, 5e-324])", "tensor([1e308, 1e-308, -1e308])",
             "tensor([[1e308, 1e308], [1e308, -1e308]])", "tensor(1e308)"),
    "zero": ("zeros(3)", "zeros(3)", "zeros(2, 2)", "tensor(0.)"),
}

# Each op of the table, as G code computing `y` from a, b, m, s (one or more variants).
OPS = {
    "abs": ["abs(a)"], "acos": ["acos(a)"], "add": ["a + b", "a + s"], "all": ["all(a > b)"],
    "any": ["any(a >= b)"], "asin": ["asin(a)"], "atan": ["atan(a)"],
    "broadcast_to": ["broadcast_to(s, 2, 3)", "broadcast_to(a, 2, len(a))"], "ceil": ["ceil(a)"],
    "clamp": ["clamp(a, min=-1, max=1)", "clamp(a, min=s)"], "clone": ["a.clone()"],
    "cos": ["cos(a)"], "cosh": ["cosh(a)"], "det": ["det(m)"], "div": ["a / b", "s / a"],
    "eq": ["a == b"], "exp": ["exp(a)"], "floor": ["floor(a)"], "ge": ["a >= b"],
    "getitem": ["a[0:2]", "m[0]", "a[[0, 0]]"], "gt": ["a > b"], "inv": ["inv(m)"],
    "isinf": ["isinf(a)"], "isnan": ["isnan(a)"], "le": ["a <= b"], "log": ["log(a)"],
    "log1p": ["log1p(a)"], "log_softmax": ["log_softmax(a)"], "log_softmax_backward": ["log_softmax(m, axis=0)"],
    "logsumexp": ["logsumexp(a)", "logsumexp(m, axis=0)"], "lt": ["a < b"],
    "matmul": ["m @ m", "a @ b", "outer(a, b)", "dot(a, b)"], "max": ["max(a)", "max(m, axis=1)"],
    "maximum": ["maximum(a, b)"], "mean": ["mean(a)", "mean(m, axis=0)"], "min": ["min(a)"],
    "minimum": ["minimum(a, b)"], "mod": ["a % b", "a % s"], "mul": ["a * b"], "ne": ["a != b"],
    "neg": ["-a"], "norm": ["norm(a)", "norm(a, p=1)", "norm(m, p=3)", "norm(a, p=inf)"],
    "permute": ["m.T", "transpose(m, 0, 1)"], "pow": ["a ** 2.5", "a ** -1", "s ** 0"],
    "pow1": ["a ** b", "2 ** a", "a ** s"], "prod": ["prod(a)", "prod(m, axis=0)"],
    "reciprocal": ["1 / a"], "relu": ["relu(a)"], "reshape": ["reshape(a, -1, 1)", "flatten(m)"],
    "round": ["round(a)"], "scatter": ["a[0:2]"], "setitem": ["a * 1\ny[0:1] = b[0:1] * s"],
    "sigmoid": ["sigmoid(a)"], "sigmoid_backward": ["sigmoid(a)"], "sign": ["sign(a)"],
    "sin": ["sin(a)"], "sinh": ["sinh(a)"], "softmax": ["softmax(a)"], "softmax_backward": ["softmax(m)"],
    "softplus": ["softplus(a)"], "softplus_backward": ["softplus(a)"], "sqrt": ["sqrt(a)"],
    "std": ["std(a)", "std(m, axis=0)"], "sub": ["a - b", "1 - a"], "sum": ["sum(a)", "sum(m, axis=1)"],
    "tan": ["tan(a)"], "tanh": ["tanh(a)"], "tanh_backward": ["tanh(a)"],
    "threshold_backward": ["relu(a)"], "trace": ["trace(m)"], "var": ["var(a)", "var(m, axis=1)"],
    "where": ["where(a > b, a, b)"],
    # torch.nn.functional
    "binary_cross_entropy_with_logits": ["torch.nn.functional.binary_cross_entropy_with_logits(a, b)",
                                         "torch.nn.functional.binary_cross_entropy_with_logits(a, b, weight=b, "
                                         "pos_weight=a, reduction='none')"],
    "binary_cross_entropy": ["torch.nn.functional.binary_cross_entropy(sigmoid(a), sigmoid(b), reduction='sum')"],
    "mse_loss": ["torch.nn.functional.mse_loss(a, b)", "torch.nn.functional.mse_loss(a, s, reduction='none')"],
    "smooth_l1_loss": ["torch.nn.functional.smooth_l1_loss(a, b, beta=0.5)"],
    "huber_loss": ["torch.nn.functional.huber_loss(a, b, reduction='sum')"],
    "nll_loss": ["torch.nn.functional.nll_loss(m, zeros(len(m)))",
                 "torch.nn.functional.cross_entropy(m, zeros(len(m)), label_smoothing=0.1)"],
    "leaky_relu": ["torch.nn.functional.leaky_relu(a)"], "elu": ["torch.nn.functional.elu(a)"],
    "gelu": ["torch.nn.functional.gelu(a)", "torch.nn.functional.gelu(a, approximate='tanh')"],
    "silu": ["torch.nn.functional.silu(a)"], "softplus_beta": ["torch.nn.functional.softplus(a, beta=2)"],
    "erf": ["torch.erf(a)"], "addmm": ["torch.nn.functional.linear(m, m, a[0:len(m)])"],
    # any number of inputs
    "stack": ["stack([a, b])", "stack([s, s, s])"], "cat": ["cat([a, b])", "cat([m, m], axis=1)"],
}
NOT_IN_G = {"logical_and", "logical_or", "logical_not"}    # no G syntax applies them


def test_every_op_of_the_table_is_fuzzed():
    assert set(OPS) | NOT_IN_G == set(ops.TABLE), set(ops.TABLE) ^ (set(OPS) | NOT_IN_G)


def program(kind) -> str:
    a, b, m, s = KINDS[kind]
    lines = [f"{name} = {value[:-1]}{', ' if value[-2] != '(' else ''}requires_grad=True)"
             for name, value in zip("abms", (a, b, m, s))]
    for variants in OPS.values():
        for code in variants:
            lines += ["y = None", f"y = {code}", "y",
                      "g = grad(sum(y), [a, b, m, s], create_graph=True)", "g",
                      "grad(sum(g[0]) + sum(g[1]) + sum(g[2]) + sum(g[3]), [a, b, m, s])"]
    return "\n".join(lines) + "\n"


def piped(program_text, *args, warn):
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("PYTHONWARNINGS", None)
    proc = subprocess.run([sys.executable, "-W", warn, "-m", "gradcli", *args], input=program_text,
                          capture_output=True, encoding="utf-8", env=env, timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


# What a Python warning looks like when printed: `…/numpy/_core/fromnumeric.py:3824: RuntimeWarning:`
PY_WARNING = re.compile(r"\b[A-Z]\w*Warning\b|\.py:\d+:|site-packages")


def assert_no_warning(status, out, err):
    for text in (out, err):
        found = PY_WARNING.search(text)
        assert found is None, text[max(0, found.start() - 500):found.end() + 500]
        assert "Traceback" not in text and "InternalError" not in text and "internal error" not in text, text[-3000:]
    assert status in (0, 1), err[-3000:]


@pytest.mark.parametrize("mode", [[], ["--json"]], ids=["text", "json"])
def test_no_warning_escapes_from_any_op(mode):
    text = "".join(program(kind) for kind in KINDS)
    strict = piped(text, *mode, warn="error")
    loud = piped(text, *mode, warn="always")
    assert_no_warning(*strict)
    assert_no_warning(*loud)
    assert strict == loud        # a warning turned into an error changed nothing either
    if mode:
        assert strict[2] == ""   # piped --json writes nothing to stderr


@pytest.mark.parametrize("kind", KINDS)
def test_no_warning_escapes_from_the_report_and_insight(kind, tmp_path):
    """A run's report and --check/--explain/--graph on the same inputs (their own numpy work)."""
    path = tmp_path / "w.g"
    a, b, m, s = KINDS[kind]
    path.write_text(f"a = {a}\nb = {b}\ny = sum(exp(a) / (b + 1)) + mean(a * b) + var(a)\n",
                    encoding="utf-8")
    for extra in (["--check", "--explain", "--graph"], ["--json", "--check"]):
        args = ["run", str(path), "--wrt", "a", "--wrt", "b", *extra]
        strict = piped("", *args, warn="error")
        loud = piped("", *args, warn="always")
        assert_no_warning(*strict)
        assert_no_warning(*loud)
        assert strict[:2] == loud[:2]


SPECIAL = [np.zeros(0), np.array([np.nan, np.inf, -np.inf, 1e308, 5e-324, 0.0])]


@pytest.mark.parametrize("data", SPECIAL, ids=["empty", "special"])
def test_logical_ops_do_not_warn(data):
    from gradcli.autograd.tensor import const
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        x = const(data)
        functions.logical_not(x)
        functions.logical_and(x, x)
        functions.logical_or(x, const(data[::-1].copy()))


def test_a_host_calling_the_session_gets_no_warning():
    """A host (a notebook, a library user) whose numpy raises on floating-point errors and whose
    warnings are errors: --set, the run and the gradients still give IEEE values, silently."""
    from gradcli.lang.runtime import Options, Session
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = Session(Options(wrt=("x",)))
        s.apply_sets([("z", "ones(0).mean()")])
        s.run("x = tensor([0., 1.])\ny = (log(x) + 1 / x + x.mean() + var(zeros(0))).sum()")
        grads = s.gradients(s.result_output())
    assert np.isnan(s.globals["z"].data) and np.isnan(s.globals["y"].data)
    assert np.isnan(grads["x"].data[0]) and grads["x"].data[1] == 1.0   # 1/x - 1/x² + 2·(1/2)
