"""Every script in samples/ runs, and its NUMBERS are right.

Each sample has one check below, registered with @check("name.g"). A check runs the sample
through the command line (a few in a subprocess, the rest in-process through
`gradcli.cli.entry`), reads the numbers from `--json` (or the text report), and compares them
with closed forms or with values computed here independently in numpy — not just exit 0.
A file in samples/ without a check fails `test_sample[that-file]`.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from gradcli.cli import entry

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
CHECKS = {}


def check(name):
    def register(f):
        CHECKS[name] = f
        return f
    return register


# ----- running a sample -----

def run_inprocess(name, *args):
    """`gradcli run samples/NAME ARGS` in this process: (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            entry(["run", str(SAMPLES / name), *args])
            status = 0
        except SystemExit as e:
            status = e.code or 0
    return status, out.getvalue(), err.getvalue()


def run_json(name, *args):
    """The JSON document of `gradcli run samples/NAME --json ARGS`, which must succeed."""
    status, out, err = run_inprocess(name, "--json", *args)
    assert status == 0, f"{name} exited {status}: {out}{err}"
    doc = json.loads(out)
    assert doc["ok"] is True, doc
    return doc


def run_subprocess(name, *args):
    """`python -m gradcli run samples/NAME ARGS` as a user runs it (plain text, no colour)."""
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "gradcli", "run", str(SAMPLES / name), *args],
                          capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, f"{name} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    assert proc.stderr == ""
    return proc.stdout


def var(doc, name):
    return np.array(doc["variables"][name]["value"], dtype=float)


def grad_of(doc, name):
    g = doc["variables"][name]["grad"]
    assert g is not None, f"{name}.grad is null"
    return np.array(g, dtype=float)


def numbers(line):
    """The numbers in one printed line, in order."""
    return [float(s) for s in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)]


def close(actual, expected, rtol=1e-9, atol=1e-12):
    np.testing.assert_allclose(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float),
                               rtol=rtol, atol=atol)


# ----- coverage -----

SAMPLE_FILES = sorted(p.name for p in SAMPLES.glob("*.g"))


def test_samples_exist():
    assert len(SAMPLE_FILES) >= 10


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample(name):
    assert name in CHECKS, f"samples/{name} has no check in tests/test_samples.py: add one"
    CHECKS[name]()


def test_every_check_has_its_sample():
    assert sorted(CHECKS) == SAMPLE_FILES


@pytest.mark.parametrize("name", SAMPLE_FILES)
def test_sample_has_a_header(name):
    """Each sample opens with comments saying what it shows and how to run it."""
    text = (SAMPLES / name).read_text(encoding="utf-8")
    assert text.startswith("#")
    assert "gradcli run samples/" + name in text or name.startswith(("tutorial", "seed_tutorial"))


# ----- the tutorials -----

def tutorial_multiplier(x):
    """The 2**k by which the tutorial's while loop scales x: the first k >= 1 with |x 2**k| >= 1000."""
    m = 2.0
    while np.linalg.norm(x * m) < 1000:
        m *= 2
    return m


@check("tutorial.g")
def _tutorial():
    out = run_subprocess("tutorial.g").splitlines()
    assert out[0] == "<AddBackward0>"
    # d mean(3 (x + 2)^2) / dx = 6 (x + 2) / 4 = 4.5
    assert out[1:3] == ["tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])"]
    doc = run_json("tutorial.g")
    x, g = var(doc, "x"), grad_of(doc, "x")
    m = tutorial_multiplier(x)
    close(g, np.array([0.1, 1.0, 0.0001]) * m)
    close(doc["output"]["value"], x * m)


@check("seed_tutorial.g")
def _seed_tutorial():
    doc = run_json("seed_tutorial.g", "--seed", "3")
    p = doc["printed"]
    assert p[4] == "<AddBackward0>"
    assert p[5:7] == ["tensor([[27., 27.],",
                      "        [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)"]
    assert p[7:10] == ["False", "True", "<SumBackward0>"]
    assert p[10:12] == ["tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])"]
    assert p[14:] == ["True", "True", "False", "True", "False", "tensor(True)"]
    x, g = var(doc, "x"), grad_of(doc, "x")
    close(g, np.array([0.1, 1.0, 0.0001]) * tutorial_multiplier(x))
    assert doc["variables"]["out"]["value"] == 27.0


@check("seed_tutorial_variable.g")
def _seed_tutorial_variable():
    doc = run_json("seed_tutorial_variable.g")
    assert doc["printed"][7:9] == ["tensor([[4.5000, 4.5000],", "        [4.5000, 4.5000]])"]
    x, g = var(doc, "x"), grad_of(doc, "x")
    m = tutorial_multiplier(x)
    close(g, np.array([0.1, 1.0, 0.0001]) * m)
    close(var(doc, "y"), x * m)


# ----- the examples -----

@check("newton.g")
def _newton():
    doc = run_json("newton.g")
    roots = np.roots([1, 0, -2, -5])
    real_root = roots[np.abs(roots.imag) < 1e-12].real[0]          # 2.0945514815423265
    assert doc["output"]["name"] is None                            # the last statement: `root`
    close(doc["output"]["value"], real_root, rtol=1e-15)
    close(var(doc, "root"), real_root, rtol=1e-15)
    # quadratic convergence: |f| falls 0.061 -> 1.9e-4 -> 1.7e-9 -> rounding, in 4 steps
    iters = [numbers(line) for line in doc["printed"] if line.startswith("iteration")]
    assert len(iters) == 4
    close([it[1] for it in iters], [2.1, 2.094568121104185, 2.094551481698199, real_root], rtol=1e-12)
    close(var(doc, "xmin"), 9 / 4, rtol=1e-14)                        # g'(x) = x^2 (4x - 9)
    close(var(doc, "vmin"), [1.0, 1.0], rtol=1e-12)                    # Rosenbrock


@check("mlp.g")
def _mlp():
    doc = run_json("mlp.g")
    # Replay the same training in numpy, with hand-written backprop, from the script's own
    # initial weights (so the check does not depend on the random generator).
    x = np.linspace(-np.pi, np.pi, 32).reshape(32, 1)
    y = np.sin(x)
    w1, w2 = var(doc, "w1_init"), var(doc, "w2_init")
    b1, b2 = np.zeros(16), np.zeros(1)
    assert w1.shape == (1, 16) and w2.shape == (16, 1)
    lr, losses = 0.05, []
    for _ in range(5000):
        h = np.tanh(x @ w1 + b1)
        pred = h @ w2 + b2
        losses.append(np.mean((pred - y) ** 2))
        dpred = 2 * (pred - y) / pred.size
        dw2, db2 = h.T @ dpred, dpred.sum(0)
        dz = (dpred @ w2.T) * (1 - h ** 2)
        dw1, db1 = x.T @ dz, dz.sum(0)
        w1, b1, w2, b2 = w1 - lr * dw1, b1 - lr * db1, w2 - lr * dw2, b2 - lr * db2
    final = np.mean((np.tanh(x @ w1 + b1) @ w2 + b2 - y) ** 2)
    for name, value in (("w1", w1), ("b1", b1), ("w2", w2), ("b2", b2)):
        close(var(doc, name), value, rtol=1e-7, atol=1e-10)
        assert doc["variables"][name]["requires_grad"] is True       # still leaves after SGD
        assert doc["variables"][name]["grad_fn"] is None
        assert doc["variables"][name]["grad"] is None                # zero_grad
    close(doc["output"]["value"], final, rtol=1e-7)
    assert doc["output"]["value"] < 0.005
    printed = [numbers(line)[-1] for line in doc["printed"] if line.startswith("step")]
    close(printed, losses[::500], rtol=1e-7)
    assert all(a > b for a, b in zip(printed, printed[1:]))          # loss decreasing
    assert printed[0] / doc["output"]["value"] > 50


@check("logistic.g")
def _logistic():
    doc = run_json("logistic.g")
    X = np.array([[2.0, 1.0], [1.5, 2.0], [3.0, 0.5], [2.5, 2.5], [1.0, 3.0],
                  [-1.0, -2.0], [-2.0, -0.5], [-1.5, -1.5], [-3.0, 1.0], [0.5, -3.0]])
    y = np.array([1.0] * 5 + [0.0] * 5)
    w, b = np.zeros(2), np.zeros(1)

    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    for _ in range(200):
        p = sigmoid(X @ w + b)
        # d/dz of the mean log loss is (p - y) / n
        w, b = w - 0.5 * X.T @ (p - y) / len(y), b - 0.5 * np.sum(p - y) / len(y)
    p = sigmoid(X @ w + b)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    close(var(doc, "w"), w, rtol=1e-10)
    close(var(doc, "b"), b, rtol=1e-10)
    close(doc["output"]["value"], loss, rtol=1e-9)
    assert doc["output"]["name"] == "loss"
    assert var(doc, "accuracy") == 1.0
    assert np.all((p > 0.5) == (y == 1))
    assert "accuracy 1.0" in doc["printed"]
    close(numbers(doc["printed"][0]), [0, math.log(2)], rtol=1e-15)  # p = 1/2 at w = 0


def fly(theta, drag=0.1, g=9.81, v=20.0, dt=0.01):
    """projectile.g's fly(), written again in plain Python."""
    x = y = 0.0
    vx, vy = v * math.cos(theta), v * math.sin(theta)
    while True:
        ax, ay = -drag * vx, -g - drag * vy
        y_new = y + vy * dt + ay * dt ** 2 / 2
        if y_new < 0:
            s = (vy + math.sqrt(vy ** 2 - 2 * ay * y)) / -ay
            return x + vx * s + ax * s ** 2 / 2
        x, y = x + vx * dt + ax * dt ** 2 / 2, y_new
        vx, vy = vx + ax * dt, vy + ay * dt


@check("projectile.g")
def _projectile():
    doc = run_json("projectile.g", "--wrt", "theta")
    theta = float(var(doc, "theta"))
    assert doc["output"]["name"] == "dist"
    close(doc["output"]["value"], 30.0, rtol=1e-9)
    close(fly(theta), 30.0, rtol=1e-9)
    h = 1e-6
    fd = (fly(theta + h) - fly(theta - h)) / (2 * h)
    close(doc["gradients"]["theta"], fd, rtol=1e-6)                  # through the while loop
    assert 33 < doc["gradients"]["theta"] < 34
    # the low solution, around 28 degrees
    assert 0.49 < theta < 0.50
    aim = next(line for line in doc["printed"] if line.startswith("aim at"))
    close(numbers(aim)[0], math.degrees(theta), rtol=1e-12)
    # without drag the simulation reproduces R = v^2 sin(2 theta)/g and its derivative
    sim, closed_r = numbers(next(line for line in doc["printed"] if line.startswith("no drag: simulated")))
    close([sim, closed_r], [400 * math.sin(2 * theta) / 9.81] * 2, rtol=1e-12)
    d_sim, d_closed = numbers(next(line for line in doc["printed"] if line.startswith("no drag: d/dtheta")))
    close([d_sim, d_closed], [800 * math.cos(2 * theta) / 9.81] * 2, rtol=1e-12)


@check("higher.g")
def _higher():
    doc = run_json("higher.g")
    a = 0.5
    close(var(doc, "sin_derivs"), [math.cos(a), -math.sin(a), -math.cos(a), math.sin(a)], rtol=1e-13)
    x = 1.5
    leibniz = [math.exp(x) * (x * x + 2 * n * x + n * (n - 1)) for n in range(1, 6)]
    close(var(doc, "derivs"), leibniz, rtol=1e-13)
    close(var(doc, "fact"), [math.factorial(n) for n in range(1, 7)], rtol=1e-13)
    for line in (l for l in doc["printed"] if l.startswith("n =")):
        n, ad, lb = numbers(line)
        close(ad, leibniz[int(n) - 1], rtol=1e-13)
        close(lb, leibniz[int(n) - 1], rtol=1e-13)


@check("jacobian.g")
def _jacobian():
    doc = run_json("jacobian.g")
    r, th = 2.0, math.pi / 6
    close(var(doc, "J"), [[math.cos(th), -r * math.sin(th)], [math.sin(th), r * math.cos(th)]], rtol=1e-14)
    close(np.linalg.det(var(doc, "J")), r, rtol=1e-14)
    det_line = next(line for line in doc["printed"] if line.startswith("det J ="))
    close(numbers(det_line), [r, r], rtol=1e-14)
    close(var(doc, "det_spherical"), 9 * math.sin(math.pi / 3), rtol=1e-13)
    A = var(doc, "A")
    close(var(doc, "H"), A + A.T, rtol=1e-14)
    close(var(doc, "H_rosen"), [[802, -400], [-400, 200]], rtol=1e-14)
    u = np.array([0.3, -1.2, 0.7])
    s = np.exp(u) / np.exp(u).sum()
    close(var(doc, "J_softmax"), np.diag(s) - np.outer(s, s), rtol=1e-12, atol=1e-15)


@check("pytorch_style.g")
def _pytorch_style():
    doc = run_json("pytorch_style.g")
    # noise-free data from y = 3x + 2: gradient descent recovers the line
    close(var(doc, "w"), [[3.0]], rtol=1e-10)
    close(var(doc, "b"), [2.0], rtol=1e-10)
    X = var(doc, "X")
    close(var(doc, "Y"), 3 * X + 2, rtol=1e-14)
    # torch.autograd.grad(...)[0]: 3 x^2 and 6 x at x = 2
    close(var(doc, "dy_dx"), 12.0)
    close(var(doc, "d2y_dx2"), 12.0)
    assert [numbers(line) for line in doc["printed"]].count([12.0, 12.0]) == 1
    # softmax(dim=1), sum(dim=1, keepdim=True), and the entropy's gradient, by finite differences
    z = np.array([[1.0, 2.0, 3.0], [0.5, -0.5, 2.0]])

    def entropy(z):
        p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return -(p * np.log(p)).sum()

    close(var(doc, "row_sums"), [[1.0], [1.0]], rtol=1e-14)
    close(var(doc, "entropy"), entropy(z), rtol=1e-13)
    fd = np.zeros_like(z)
    for i in np.ndindex(*z.shape):
        e = np.zeros_like(z)
        e[i] = 1e-6
        fd[i] = (entropy(z + e) - entropy(z - e)) / 2e-6
    close(grad_of(doc, "logits"), fd, rtol=1e-6, atol=1e-9)


def oscillator_closed_form(zeta, omega, T=5.0):
    wd = omega * math.sqrt(1 - zeta ** 2)
    return math.exp(-zeta * omega * T) * (math.cos(wd * T) + zeta * omega / wd * math.sin(wd * T))


@check("oscillator.g")
def _oscillator():
    # as in the sample's header: the text report, in a subprocess
    text = run_subprocess("oscillator.g", "--wrt", "zeta", "--wrt", "omega").splitlines()
    assert text[-3].startswith("x_T = tensor(-0.3369")
    h = 1e-6
    dz = (oscillator_closed_form(0.1 + h, 2.0) - oscillator_closed_form(0.1 - h, 2.0)) / (2 * h)
    dw = (oscillator_closed_form(0.1, 2.0 + h) - oscillator_closed_form(0.1, 2.0 - h)) / (2 * h)
    assert text[-2] == f"dx_T/dzeta = tensor({dz:.4f})"
    assert text[-1] == f"dx_T/domega = tensor({dw:.4f})"
    # and the full numbers from JSON: RK4 with dt = 0.01 is within 1e-8 of the closed form
    doc = run_json("oscillator.g", "--wrt", "zeta", "--wrt", "omega", "--check")
    assert doc["output"]["name"] == "x_T"
    for name in ("zeta", "omega"):                                   # --check agrees
        assert doc["check"][name]["ok"] is True
        assert doc["check"][name]["max_rel_error"] < 1e-6
    close(doc["output"]["value"], oscillator_closed_form(0.1, 2.0), rtol=0, atol=1e-8)
    close(doc["gradients"]["zeta"], dz, rtol=0, atol=1e-7)
    close(doc["gradients"]["omega"], dw, rtol=0, atol=1e-7)
    sim, closed = numbers(doc["printed"][0])
    close(closed, oscillator_closed_form(0.1, 2.0), rtol=1e-14)
    close(numbers(doc["printed"][1])[0], dz, rtol=1e-8)
    # without --wrt nothing is differentiated, and no report is printed
    status, out, _ = run_inprocess("oscillator.g")
    assert status == 0 and len(out.splitlines()) == 2


@check("formulas.g")
def _formulas():
    """The header's commands: a free symbol gives the formula alone; --set a point, the numbers too."""
    import sympy as sp
    doc = run_json("formulas.g", "--wrt", "a", "--formula")
    a = sp.Symbol("a")
    t = sp.Integer(1)
    for _ in range(3):
        t = (t + a / t) / 2                            # Newton's steps for sqrt(a), by hand
    f = doc["formula"]["a"]
    assert doc["output"]["value"] is None and doc["gradients"]["a"] is None
    assert sp.simplify(sp.sympify(f["expr"]) - sp.diff(t, a)) == 0
    doc = run_json("formulas.g", "--wrt", "a", "--formula", "--set", "a=2")
    close(doc["output"]["value"], float(t.subs(a, 2)), rtol=1e-15)
    close(doc["gradients"]["a"], float(sp.diff(t, a).subs(a, 2)), rtol=1e-12)
    assert doc["formula"]["a"]["verified"] is True
    text = run_subprocess("formulas.g", "--wrt", "a", "--formula").splitlines()
    assert len(text) == 1 and text[0].startswith("droot/da = ")
