"""Every op of the ops table: its symbolic form, differentiated by SymPy, equals its numeric VJP.

Generated from the table: each differentiable op (`ops.TABLE`, plus stack and cat) must have a
symbolic form and an example here, run at random points and at its kinks (LANGUAGE.md §8:
relu'(0) = 0 is Heaviside(x, 0), abs'(0) = 0 is sign(x), maximum ties give each side half,
clamp passes the gradient at a bound, max ties share it)."""
from __future__ import annotations

import numpy as np
import pytest

sp = pytest.importorskip("sympy")

from gradcli import autograd as ag  # noqa: E402
from gradcli.autograd import functions as fn  # noqa: E402
from gradcli.autograd import nn  # noqa: E402
from gradcli.autograd import ops  # noqa: E402
from gradcli.autograd.tensor import Tensor, mode  # noqa: E402
from gradcli.autograd.symbolic_trace import jacobians  # noqa: E402

P = np.random.default_rng(1234)


def pos(*shape):
    return P.uniform(0.5, 2.0, shape)


def any_(*shape):
    return P.uniform(-2.0, 2.0, shape)


def unit(*shape):
    return P.uniform(-0.9, 0.9, shape)


def square(n=2):
    return P.uniform(-2.0, 2.0, (n, n)) + 3 * np.eye(n)


def _grad_ops():
    """create_graph=True gradients: the ops that record backward functions."""
    def f(op):
        def g(x):
            y = op(x)
            return ag.grad(y.sum(), x, create_graph=True)
        return g
    return f


def _backward_of(fwd):
    def g(x):
        return ag.grad(fwd(x).sum(), x, create_graph=True)
    return g


# op name -> list of (function of the input tensors, input arrays); kinks listed with them
EXAMPLES = {
    "add": [(lambda a, b: a + b, [any_(3), any_(2, 3)])],
    "sub": [(lambda a, b: a - b, [any_(3), any_(3)])],
    "mul": [(lambda a, b: a * b, [any_(2, 3), any_(3)])],
    "div": [(lambda a, b: a / b, [any_(3), pos(3)])],
    "pow": [(lambda a: a ** 3, [any_(3)]), (lambda a: a ** 0.5, [pos(2)]), (lambda a: a ** 0, [any_(2)])],
    "pow1": [(lambda a, b: a ** b, [pos(3), any_(3)]), (lambda b: 2.0 ** b, [any_(2)])],
    "mod": [(lambda a, b: fn.mod(a, b), [pos(3) * 3, pos(3)])],
    "clone": [(lambda a: fn.clone(a), [any_(3)])],
    "neg": [(lambda a: -a, [any_(3)])],
    "reciprocal": [(lambda a: fn.rdiv_number(2.0, a), [pos(3)])],
    "maximum": [(fn.maximum, [any_(3), any_(3)]), (fn.maximum, [np.array([1.0, 2.0]), np.array([1.0, -1.0])])],
    "minimum": [(fn.minimum, [any_(3), any_(3)]), (fn.minimum, [np.array([1.0, 2.0]), np.array([1.0, -1.0])])],
    "where": [(lambda a, b: fn.where(a > b, a * a, b), [any_(4), any_(4)])],
    "exp": [(fn.exp, [any_(3)])], "log": [(fn.log, [pos(3)])], "log1p": [(fn.log1p, [pos(3)])],
    "sqrt": [(fn.sqrt, [pos(3)])], "sin": [(fn.sin, [any_(3)])], "cos": [(fn.cos, [any_(3)])],
    "tan": [(fn.tan, [unit(3)])], "asin": [(fn.asin, [unit(3)])], "acos": [(fn.acos, [unit(3)])],
    "atan": [(fn.atan, [any_(3)])], "sinh": [(fn.sinh, [any_(3)])], "cosh": [(fn.cosh, [any_(3)])],
    "tanh": [(fn.tanh, [any_(3)])], "sigmoid": [(fn.sigmoid, [any_(3)])],
    "relu": [(fn.relu, [any_(4)]), (fn.relu, [np.array([0.0, -1.0, 2.0])])],
    "softplus": [(fn.softplus, [any_(3)])],
    "abs": [(fn.abs, [any_(4)]), (fn.abs, [np.array([0.0, -1.0])])],
    "sign": [(fn.sign, [any_(3)]), (fn.sign, [np.zeros(2)])],
    "floor": [(fn.floor, [any_(3)])], "ceil": [(fn.ceil, [any_(3)])], "round": [(fn.round, [any_(3)])],
    "clamp": [(lambda a: fn.clamp(a, -0.5, 0.5), [any_(5)]),
              (lambda a: fn.clamp(a, -0.5, 0.5), [np.array([-0.5, 0.5, 0.0, 1.0])]),
              (lambda a: fn.clamp(a, min=0.0), [any_(3)])],
    "sum": [(lambda a: fn.sum(a), [any_(2, 3)]), (lambda a: fn.sum(a, 0, True), [any_(2, 3)])],
    "mean": [(lambda a: fn.mean(a, 1), [any_(2, 3)])],
    "prod": [(lambda a: fn.prod(a), [any_(3)]), (lambda a: fn.prod(a, 0), [any_(2, 2)])],
    "max": [(lambda a: fn.max(a), [any_(4)]), (lambda a: fn.max(a), [np.array([2.0, 2.0, 1.0])]),
            (lambda a: fn.max(a, 1), [any_(2, 3)]),
            # ties of 3 or more: 1/k each, as PyTorch (SymPy's Max alone gives 1/2; issue 13)
            (lambda a: fn.max(a), [np.array([2.0, 2.0, 2.0])]),
            (lambda a: fn.max(a, 1), [np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 3.0, 3.0, -1.0]])]),
            (lambda a: fn.max(fn.sin(a) * 2.0), [np.array([0.5, 0.5, 0.5, -1.0])])],
    "min": [(lambda a: fn.min(a), [any_(4)]), (lambda a: fn.amin(a, 0), [any_(2, 3)]),
            (lambda a: fn.min(a), [np.array([[-1.0, -1.0], [-1.0, -1.0]])]),
            (lambda a: fn.amin(a, 0), [np.array([[0.0, 1.0], [0.0, 2.0], [0.0, 1.0]])])],
    "var": [(lambda a: fn.var(a), [any_(4)]), (lambda a: fn.var(a, 0, unbiased=False), [any_(3, 2)])],
    "std": [(lambda a: fn.std(a, 1), [any_(2, 3)]),
            (lambda a: fn.std(a, 1), [np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 0.5]])])],   # std 0: 0
    "logsumexp": [(lambda a: fn.logsumexp(a, 0), [any_(3, 2)])],
    "norm": [(lambda a: fn.norm(a), [any_(3)]), (lambda a: fn.norm(a, 1), [any_(3)]),
             (lambda a: fn.norm(a, 3), [any_(3)]), (lambda a: fn.norm(a, float("inf")), [any_(3)]),
             # the zero vector: gradient 0 (PyTorch), where x_i/norm(x) is nan (issue 13)
             (lambda a: fn.norm(a), [np.zeros(3)]), (lambda a: fn.norm(a, 3), [np.zeros(2)]),
             (lambda a: fn.norm(a, 1.5), [np.zeros(2)]), (lambda a: fn.norm(a * 2.0) ** 2, [np.zeros(2)]),
             (lambda a: fn.norm(a, 2, 1), [np.array([[0.0, 0.0], [3.0, -4.0]])]),
             (lambda a: fn.norm(a, float("inf")), [np.array([1.0, -1.0, 1.0, 0.5])]),
             (lambda a: fn.norm(a, float("-inf")), [np.array([1.0, -1.0, 1.0, 2.0])])],
    "softmax": [(lambda a: fn.softmax(a), [any_(2, 3)]), (lambda a: fn.softmax(a, 0), [any_(3, 2)])],
    "log_softmax": [(lambda a: fn.log_softmax(a), [any_(3)])],
    "tanh_backward": [(_backward_of(fn.tanh), [any_(3)])],
    "sigmoid_backward": [(_backward_of(fn.sigmoid), [any_(3)])],
    "threshold_backward": [(_backward_of(lambda x: fn.relu(x) * x), [any_(4)])],
    "softplus_backward": [(_backward_of(fn.softplus), [any_(3)])],
    "softmax_backward": [(_backward_of(lambda x: fn.softmax(x) * x), [any_(3)])],
    "log_softmax_backward": [(_backward_of(lambda x: fn.log_softmax(x) * x), [any_(3)])],
    "reshape": [(lambda a: fn.reshape(a, 3, 2), [any_(2, 3)])],
    "permute": [(lambda a: fn.permute(a, 1, 0), [any_(2, 3)])],
    "broadcast_to": [(lambda a: fn.broadcast_to(a, 2, 3), [any_(3)])],
    "getitem": [(lambda a: a[1], [any_(3, 2)]), (lambda a: a[fn.tensor([0.0, 2.0, 0.0])], [any_(3)])],
    "scatter": [(_backward_of(lambda x: x[fn.tensor([0.0, 0.0, 2.0])] ** 2), [any_(3)])],
    "setitem": [(lambda a, b: fn.setitem(a, 1, b), [any_(3), np.float64(0.7)])],
    "matmul": [(fn.matmul, [any_(2, 3), any_(3, 2)]), (fn.matmul, [any_(3), any_(3, 2)]),
               (fn.matmul, [any_(2, 3), any_(3)]), (fn.matmul, [any_(3), any_(3)])],
    "trace": [(fn.trace, [any_(2, 2)])],
    "inv": [(fn.inv, [square()])],
    "det": [(fn.det, [square()])],
    # torch.nn.functional
    "erf": [(fn.erf, [any_(3)])],
    "binary_cross_entropy_with_logits": [
        (lambda a, b: nn.binary_cross_entropy_with_logits(a, b), [any_(2, 2), P.uniform(0, 1, (2, 2))]),
        (lambda a, b: nn.binary_cross_entropy_with_logits(a, b, weight=fn.tensor([0.5, 2.0]),
                                                          pos_weight=fn.tensor([3.0, 0.5]), reduction="none"),
         [any_(2, 2), P.uniform(0, 1, (2, 2))])],
    "binary_cross_entropy": [
        (lambda a, b: nn.binary_cross_entropy(a, b, weight=fn.tensor([2.0, 1.0]), reduction="sum"),
         [P.uniform(0.1, 0.9, (2,)), P.uniform(0, 1, (2,))])],
    "mse_loss": [(lambda a, b: nn.mse_loss(a, b), [any_(3), any_(3)])],
    "smooth_l1_loss": [(lambda a, b: nn.smooth_l1_loss(a, b, reduction="none", beta=0.5),
                        [np.array([0.1, 2.0, -1.5]), np.array([0.3, 0.0, 0.5])])],
    "huber_loss": [(lambda a, b: nn.huber_loss(a, b, reduction="sum", delta=0.5),
                    [np.array([0.1, 2.0, -1.5]), np.array([0.3, 0.0, 0.5])])],
    "nll_loss": [(lambda a: nn.cross_entropy(a, fn.tensor([1.0, 0.0])), [any_(2, 3)]),
                 (lambda a: nn.nll_loss(a, fn.tensor([2.0, -100.0]), weight=fn.tensor([1.0, 2.0, 0.5]),
                                        reduction="none"), [any_(2, 3)])],
    "leaky_relu": [(lambda a: nn.leaky_relu(a, 0.2), [any_(4)])],
    "elu": [(lambda a: nn.elu(a, alpha=0.5), [any_(4)])],
    "gelu": [(nn.gelu, [any_(3)]), (lambda a: nn.gelu(a, approximate="tanh"), [any_(3)])],
    "silu": [(nn.silu, [any_(3)])],
    "softplus_beta": [(lambda a: nn.softplus(a, beta=2.0, threshold=2.0), [any_(4)])],
    "addmm": [(nn.linear, [any_(2, 3), any_(2, 3), any_(2)])],
    "stack": [(lambda a, b: fn.stack([a, b], 1), [any_(2), any_(2)])],
    "cat": [(lambda a, b: fn.cat([a, b]), [any_(2), any_(3)])],
}


def _differentiable_ops():
    return sorted({op.name for op in ops.TABLE.values() if op.vjps is not None})


def test_every_op_has_a_symbolic_form_and_an_example():
    missing_form = [op.name for op in ops.TABLE.values() if op.vjps is not None and op.sym is None]
    assert not missing_form, f"ops without a symbolic form (Op.sym): {missing_form}"
    missing = [n for n in _differentiable_ops() if n not in EXAMPLES]
    assert not missing, f"ops without an example in {__file__}: {missing}"


def _check(f, arrays):
    prev = mode.keep
    mode.keep = True              # as in a language run: nodes keep their inputs
    try:
        xs = []
        for a in arrays:
            t = fn.tensor(np.asarray(a, dtype=np.float64))
            t.requires_grad_(True)
            xs.append(t)
        y = f(*xs)
    finally:
        mode.keep = prev
    names = {f"a{k}": x for k, x in enumerate(xs)}
    raw, syms, _ = jacobians(y, names, max_ops=10**6)
    point = {s: sp.Float(float(x.data[i])) for n, x in names.items() for i, s in np.ndenumerate(syms[n])}
    for n, x in names.items():
        numeric = ag.jacobian(y, x).data
        J = raw[n]
        assert J.shape == np.shape(numeric)
        for i, e in np.ndenumerate(J):
            v = complex(sp.N(e.xreplace(point)))
            assert abs(v.imag) < 1e-9
            assert v.real == pytest.approx(float(np.asarray(numeric)[i]), rel=1e-6, abs=1e-9), \
                f"d/d{n}{list(i)}: formula {e} gives {v.real}, the VJP {np.asarray(numeric)[i]}"


@pytest.mark.parametrize("name,k", [(n, k) for n in sorted(EXAMPLES) for k in range(len(EXAMPLES[n]))])
def test_formula_equals_vjp(name, k):
    f, arrays = EXAMPLES[name][k]
    _check(f, arrays)


def test_kink_forms():
    """§8's conventions are visible in the formulas."""
    x = fn.tensor(0.0)
    x.requires_grad_(True)
    prev = mode.keep
    mode.keep = True
    try:
        y = fn.relu(x) + fn.abs(x)
    finally:
        mode.keep = prev
    raw, _, _ = jacobians(y, {"x": x})
    assert sp.sympify(str(raw["x"][()])) == sp.sympify("Heaviside(x, 0) + sign(x)")


def test_tensor_ops_attached():
    assert isinstance(fn.tensor([1.0]), Tensor)
