"""Generate tests/fixtures/torch_repr.json: PyTorch's own repr of many float64 and bool tensors.

Run with a Python that has torch (gradcli itself never imports it):

    $GRADCLI_TORCH_PYTHON scripts/torch_repr_cases.py

The default dtype is set to float64, so torch prints float64 tensors without a `dtype=` suffix and
places any `requires_grad`/`grad_fn` suffix exactly where it would for the default dtype; the digits
are those of the float64 values gradcli computes with. Values are stored as nested lists with NaN
and infinities as the strings "NaN", "Infinity", "-Infinity" (LANGUAGE.md §10).
"""
from __future__ import annotations

import json
import math
import pathlib

import torch

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "torch_repr.json"

torch.set_default_dtype(torch.float64)
torch.set_printoptions(profile="default")
gen = torch.Generator().manual_seed(1234)


def encode(x):
    if isinstance(x, list):
        return [encode(y) for y in x]
    if isinstance(x, float):
        if math.isnan(x):
            return "NaN"
        if math.isinf(x):
            return "Infinity" if x > 0 else "-Infinity"
    return x


cases = []


def add(t: torch.Tensor) -> None:
    text = repr(t)
    # Only an empty bool tensor names its dtype (nothing else tells it from a float one).
    assert "dtype=" not in text or (t.dtype == torch.bool and t.numel() == 0), text
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    cases.append({
        "values": encode(t.detach().tolist()),
        "shape": list(t.shape),
        "dtype": "bool" if t.dtype == torch.bool else "float",
        "requires_grad": bool(t.requires_grad and t.grad_fn is None),
        "grad_fn": grad_fn,
        "repr": text,
    })


def randn(*shape, scale=1.0):
    x = torch.randn(*shape, generator=gen) * scale
    if x.numel() > 200:
        # Six significant digits keep the fixture small; small tensors keep all 17 for rounding.
        x = torch.tensor([float(f"{v:.6g}") for v in x.flatten().tolist()]).reshape(x.shape)
    return x


def t(values):
    return torch.tensor(values, dtype=torch.float64)


nan, inf = float("nan"), float("inf")

# ----- 0-d -----
for v in [27.0, 4.5, 0.0, -0.0, 1.0, -3.0, 0.1, 1 / 3, -2.5e-5, 1e-4, 9.99e-5, 1e8, 1.5e8, 123456789.0,
          1e300, 5e-324, nan, inf, -inf, 12345.678, 0.00012345, -7.77777, 2.0 ** 53, 0.99995, 0.99994]:
    add(t(v))

# ----- 1-d -----
one_d = [
    [1.0, 2.0, 3.0], [1.0, 1.0], [4.5, 4.5, 4.5, 4.5], [0.0, 0.0], [-0.0, 0.0], [-0.0, 1.0],
    [0.1, 0.2, 0.3], [1.0, -1.0], [-1.5, 2.25, 100.0], [1e-5, 1.0], [1e-4, 1.0], [1.0, 1000.0],
    [1.0, 1001.0], [1.0, 1000.5], [0.5, 500.0], [0.5, 501.0], [1e8, 1.0e8], [1.5e8, 2.0],
    [123456789.0, 1.0], [100000000.5], [nan, 1.0], [nan, 1.5], [inf, -inf, 0.0], [nan, inf, -inf],
    [nan], [0.0, nan], [1.0, nan, 2.0], [inf, 1.0], [-inf, 0.25], [1e-10, 1e10], [-1e-10, 3.0],
    [1e-300, 1e300], [5e-324, 1.0], [1e20, -1e20], [3.14159, -2.71828, 1.41421], [0.00005, 0.00007],
    [1e-4, 2e-4], [99999.5, 1.0], [12345678.9, 1.0], [0.99995, 0.00015], [-5.0, 5.0, -0.0],
    [2.0 ** 60, 1.0], [1.0, 2.0, 1e-5, nan], [7.0] * 20, [0.123456] * 20, [-0.0] * 3,
]
for vals in one_d:
    add(t(vals))
for n in [10, 13, 25, 40, 100, 999, 1000, 1001, 2000]:
    add(randn(n))
add(torch.arange(30.0))
add(torch.arange(1000.0))
add(torch.arange(1001.0))
add(torch.arange(1500.0) * 1e-3)
add(torch.linspace(-1, 1, 50))
add(torch.linspace(0, 1e9, 20))
add(torch.linspace(1e-6, 1e-3, 17))
add(randn(30, scale=1e-6))
add(randn(30, scale=1e6))
add(randn(30, scale=1e9))

# ----- 2-d and up -----
add(torch.ones(2, 2))
add(torch.ones(2, 2) * 3)
add(torch.full((2, 2), 4.5))
add(torch.zeros(3, 4))
add(t([[1.0, -2.0], [30.0, 400.0]]))
add(t([[1.0, nan], [inf, -inf]]))
add(t([[1e-5, 1.0], [2.0, 3.0]]))
add(t([[0.5, 1e9], [-0.0, 0.0]]))
add(t([[1.0, 2.0, 3.0]]))
add(t([[1.0], [2.0], [3.0]]))
for shape in [(2, 3), (3, 2), (4, 4), (5, 7), (2, 10), (2, 20), (3, 30), (7, 7), (10, 3), (1, 100),
              (100, 1), (33, 33), (31, 32), (50, 50), (1000, 2), (2, 1000), (3, 334), (10, 101)]:
    add(randn(*shape))
add(randn(4, 12, scale=1e-5))
add(randn(6, 9, scale=1e5))
add(torch.arange(60.0).reshape(6, 10))
add(torch.arange(60.0).reshape(3, 20) * 1000)
add(torch.arange(1200.0).reshape(30, 40))
add(torch.arange(1156.0).reshape(34, 34) - 500)
for shape in [(2, 2, 2), (2, 3, 4), (3, 1, 2), (1, 1, 1), (4, 5, 6), (10, 10, 10), (11, 10, 10),
              (8, 8, 8), (2, 3, 40), (20, 3, 20)]:
    add(randn(*shape))
for shape in [(2, 2, 2, 2), (1, 2, 1, 3), (3, 3, 3, 3), (2, 3, 4, 5), (7, 7, 7, 7), (1, 1, 1, 1),
              (2, 1, 1, 30)]:
    add(randn(*shape))
add(randn(2, 2, 2, 2, 2))
add(randn(1, 2, 1, 2, 1, 2))
x = randn(3, 4)
x[0, 0] = nan
x[1, 2] = inf
add(x)
add(torch.arange(24.0).reshape(2, 3, 4))
add(torch.arange(1200.0).reshape(10, 120) / 7)

# ----- empty -----
for shape in [(0,), (0, 3), (2, 0), (0, 0, 2), (3, 0, 1)]:
    add(torch.zeros(shape))

# ----- bool -----
add(torch.tensor(True))
add(torch.tensor(False))
add(torch.tensor([True, False]))
add(torch.tensor([True, True]))
add(torch.tensor([False, False, False]))
add(torch.tensor([[True, False], [False, True]]))
add(randn(30) > 0)
add(randn(5, 20) > 0)
add(randn(2000) > 0)
add(randn(40, 40) > 0)
add(torch.ones(3, 30, dtype=torch.bool))
add(torch.zeros(0, dtype=torch.bool))
add(torch.zeros(2, 0, dtype=torch.bool))

# ----- requires_grad leaves -----
for v in [t(2.0), t([1.0, 1.0]), torch.ones(2, 2), randn(3, 4), randn(5, 20), randn(40), randn(2000),
          torch.arange(15.0), torch.zeros(0), torch.zeros(0, 4), randn(2, 3, 40), randn(11, 9),
          t([nan, 1.0]), t([1e-5, 3.0]), t(1e10), t([[0.5]])]:
    add(v.requires_grad_())

# ----- results with a grad_fn -----
a = torch.ones(2, 2, requires_grad=True)
b = (a + 2)
add(b)
add(b * b * 3)
add((b * b * 3).mean())
add((b * b * 3).sum())
add(a * 2)
add(a.sum())
add(-a)
add(a - 1)
add(a / 3)
add(a ** 2)
add(a.exp())
add(a.T)
add(a.reshape(4))
add(a @ a)
w = randn(5, 3).requires_grad_()
xb = randn(4, 5)
add(xb @ w)
add(torch.tanh(xb @ w))
add(torch.sigmoid(xb @ w))
add(torch.relu(xb @ w))
add((xb @ w).pow(2).mean())
big = randn(30, 30).requires_grad_()
add(big * 2)
add(big.exp())
add(big * 1e-6)
add(big.sum(0))
wide = randn(70).requires_grad_()
add(wide * 2)
add(wide * 1000)
add(wide.sin())
add(torch.arange(10.0, requires_grad=True) * 1.5)
add(torch.arange(40.0, requires_grad=True) + 0.25)
add(torch.arange(12.0, requires_grad=True) * 1)
add((torch.arange(1.0, 9.0, requires_grad=True) * 1e5).reshape(2, 4))
add(randn(2000).requires_grad_() * 3)
add(randn(3, 4, 5).requires_grad_() * 2)
add(t([1.0, 0.0]).requires_grad_().log())
add(t([0.0, 1.0]).requires_grad_() / 0)
add(randn(26).requires_grad_() + 0.5)
add(randn(1, 80).requires_grad_() * 5)
add(randn(8, 12).requires_grad_() * 2)

OUT.parent.mkdir(parents=True, exist_ok=True)
# One case per line: small diffs when cases change, and a readable file.
lines = [json.dumps(case, ensure_ascii=False, allow_nan=False) for case in cases]
OUT.write_text("[\n" + ",\n".join(lines) + "\n]\n")
print(f"{len(cases)} cases -> {OUT}")
