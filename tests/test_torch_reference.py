"""gradcli against PyTorch's own numbers: values, gradients, second-order gradients and node names.

The fixture is made by scripts/torch_reference.py with real PyTorch (float64). Each case's "op" is
the source of a lambda over `T`, a namespace with gradcli's names; here `T` is gradcli.autograd.
No torch is imported here.
"""
from __future__ import annotations

import json
import math
import pathlib

import numpy as np
import pytest

import gradcli.autograd as ag
from gradcli.autograd import ops

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "torch_reference.json"
CASES = json.loads(FIXTURE.read_text())
_SPECIAL = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
RTOL, ATOL = 1e-10, 1e-12


class _Namespace:
    """The DSL's `T` on the gradcli side: gradcli.autograd's functions, plus constants."""

    inf = math.inf

    def __getattr__(self, name):
        return getattr(ag, name)


T = _Namespace()

# Node names that legitimately differ from PyTorch's: case name -> (gradcli's, PyTorch's, why).
# Each entry must match exactly: a case whose names agree again, or differ otherwise, fails.
NODE_NAME_DIFFERENCES: dict = {}

# The same for the gradients made with create_graph=True (their grad_fn): case -> gradcli's names.
GRAD_NODE_NAME_DIFFERENCES = {
    # torch.matmul reshapes batched operands for bmm, so their gradients end in the backward of
    # that reshape (ViewBackward0); gradcli's one product node differentiates with matmul
    "bmm": ["UnsafeViewBackward0", "UnsafeViewBackward0"],
    # PyTorch differentiates det through an LU solve (LinalgSolveExBackward0); gradcli multiplies
    # by the inverse (grad · det · A⁻ᵀ), which also rounds differently in the last digits
    "det2": ["MulBackward0"],
    "det3": ["MulBackward0"],
    "logdet_like": ["MulBackward0"],
}


def _decode(x):
    if isinstance(x, list):
        return [_decode(y) for y in x]
    return _SPECIAL[x] if isinstance(x, str) else x


def _array(x):
    return np.asarray(_decode(x), dtype=np.float64)


def _run(case, create_graph=False):
    fn = eval(case["op"], {"T": T})  # noqa: S307 (the fixture's own source text)
    xs = [ag.tensor(_array(a), requires_grad=True) for a in case["inputs"]]
    out = fn(*xs)
    w = None if case["grad_output"] is None else _array(case["grad_output"])
    grads = ag.grad(out, xs, grad_outputs=w, create_graph=create_graph)
    return xs, out, grads


def _check(actual, expected, what):
    actual = np.asarray(actual.data if isinstance(actual, ag.Tensor) else actual, dtype=np.float64)
    expected = _array(expected)
    assert actual.shape == expected.shape, f"{what}: shape {actual.shape}, PyTorch {expected.shape}"
    np.testing.assert_allclose(actual, expected, rtol=RTOL, atol=ATOL, err_msg=what)


def test_fixture_is_large_and_varied():
    assert len(CASES) >= 150
    assert len({c["name"] for c in CASES}) == len(CASES)
    assert sum("grads2" in c for c in CASES) >= 30
    assert sum(c["name"].startswith("kink_") for c in CASES) >= 15


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_values_gradients_and_node_name(case):
    xs, out, grads = _run(case)
    _check(out, case["output"], "output")
    for k, (g, e) in enumerate(zip(grads, case["grads"])):
        _check(g, e, f"gradient {k}")
    ours = out.grad_fn.op.node_name if out.grad_fn is not None else None
    if case["name"] in NODE_NAME_DIFFERENCES:
        mine, theirs, _why = NODE_NAME_DIFFERENCES[case["name"]]
        assert (ours, case["grad_fn"]) == (mine, theirs), "the allow-list entry is out of date"
    else:
        assert ours == case["grad_fn"]


SECOND = [c for c in CASES if "grads2" in c]


@pytest.mark.parametrize("case", SECOND, ids=[c["name"] for c in SECOND])
def test_second_order_gradients(case):
    xs, out, grads = _run(case, create_graph=True)
    for k, (g, e) in enumerate(zip(grads, case["grads"])):
        _check(g, e, f"gradient {k} (create_graph=True)")
    names = [g.grad_fn.op.node_name if g.grad_fn is not None else None for g in grads]
    expected = GRAD_NODE_NAME_DIFFERENCES.get(case["name"], case["grads_grad_fn"])
    assert names == expected, f"grad_fn of the create_graph gradients: {names}, PyTorch {case['grads_grad_fn']}"
    us = [_array(u) for u in case["directions"]]
    s = ag.sum(ag.stack([ag.sum(g * u) for g, u in zip(grads, us)]))
    for k, (g, e) in enumerate(zip(ag.grad(s, xs), case["grads2"])):
        _check(g, e, f"second-order gradient {k}")


def _graph_op_names(tensors):
    names, seen = set(), set()
    stack = [t.grad_fn for t in tensors if t.grad_fn is not None]
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        names.add(n.op.name)
        stack.extend(n.parents())
    return names


def test_fixture_covers_every_op_of_the_table():
    """Every differentiable op of TABLE runs in some case: in its forward graph, or (scatter, the
    backward functions of activations: ops only VJPs use) in the graph of a first-order gradient made with create_graph."""
    covered = set()
    for case in CASES:
        xs, out, grads = _run(case, create_graph="grads2" in case)
        covered |= _graph_op_names([out, *grads])
    differentiable = {name for name, op in ops.TABLE.items() if op.vjps is not None}
    assert not differentiable - covered, f"ops no PyTorch case exercises: {sorted(differentiable - covered)}"
    assert {"stack", "cat"} <= covered
