"""A fuzzer for --formula (LANGUAGE.md §12), as the graders check it from outside.

It generates random small G programs (scalars, vectors and 2x2 matrices; arithmetic and `**`,
the elementwise functions, reductions, softmax, where, clamp, matmul, indexing, if/while on
values, user functions, `grad(f)(x)`), runs each as a user does,

    python3 -m gradcli run FILE --wrt x --formula --json [--set x=V]

in a subprocess with a timeout, and checks:
- the exit status is 0, or 1 with a clean G error (kind, message, location) — never a Python
  traceback, and nothing at all on stderr (--json);
- every `formula.x.expr` entry parses with SymPy's `sympify` (symbols `x` or `x_0, x_1, …`,
  real), and at the run's point equals the numeric gradient `gradients.x` (relative 1e-6, NaN
  and infinities matching) whenever `verified` is true;
- how often `verified` is false or null, and the reasons a formula was not built;
- the run takes no more than a few seconds (of CPU time: the machine is shared).

Run:  PYTHONPATH=. python3 scripts/formula_fuzz.py [-n N] [--seconds S] [--seed K] [--out DIR]
One process at a time; failures are written to DIR (default /tmp/formula_fuzz) as .g files with
the command and what went wrong. tests/test_formula_fuzz.py runs it (pytest --slow).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KINDS = {"SyntaxError", "NameError", "TypeError", "ShapeError", "IndexError", "ValueError",
         "GradError", "LimitError"}
SLOW_SECONDS = 5.0
TIMEOUT = 30.0

CONSTS = ["0", "1", "2", "3", "0.5", "-1", "-0.5", "0.1", "1.5", "-2", "pi"]
POINTS = ["0.0", "1.0", "-1.0", "0.5", "-0.5", "2.0", "0.3", "-1.7", "3.0", "0.25"]
UNARY = ["sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "softplus"]
SAFE = {"log": "log(abs({}) + 1)", "sqrt": "sqrt({} * {} + 1)", "exp": "exp(tanh({}))",
        "tan": "tan(tanh({}))"}
REDUCE = ["sum", "mean", "max", "min", "norm"]


class Gen:
    """One random program: `x` of a random shape, a few statements, then `y = …`."""

    def __init__(self, rng: random.Random):
        self.r = rng
        self.xshape = rng.choice([(), (), (2,), (3,), (3,), (2, 2)])
        self.vars = {"x": self.xshape}
        self.funcs = []             # (name, shape of its argument and result)
        self.control = False
        self.lines = []

    # ----- expressions of a given shape -----
    def const(self):
        return self.r.choice(CONSTS)

    def atom(self, shape):
        names = [n for n, s in self.vars.items() if s == shape]
        if names and self.r.random() < 0.85:
            return "x" if "x" in names and self.r.random() < 0.5 else self.r.choice(names)
        if shape == ():
            return self.const()
        return self.literal(shape)

    def literal(self, shape):
        vals = [self.r.choice(POINTS) for _ in range(math.prod(shape))]
        if len(shape) == 1:
            return f"tensor([{', '.join(vals)}])"
        return f"tensor([[{vals[0]}, {vals[1]}], [{vals[2]}, {vals[3]}]])"

    def expr(self, shape, depth=3):
        r = self.r
        if depth <= 0 or r.random() < 0.2:
            return self.atom(shape)
        d = depth - 1
        k = r.random()
        if k < 0.3:
            op = r.choice(["+", "-", "*", "/", "*"])
            a, b = self.expr(shape, d), self.expr(shape if r.random() < 0.7 else (), d)
            if r.random() < 0.5:
                a, b = b, a             # (broadcasting: the result has `shape` either way)
            return f"({a} {op} {b})"
        if k < 0.5:
            f = r.choice(UNARY)
            a = self.expr(shape, d)
            if f in SAFE and r.random() < 0.6:
                return SAFE[f].format(a, a)
            return f"{f}({a})" if r.random() < 0.8 else f"({a}).{f}()"
        if k < 0.58:
            e = r.choice(["2", "3", "0.5", "-1", "2.5", "0"])
            a = self.expr(shape, d)
            if e in ("0.5", "2.5") and r.random() < 0.6:
                a = f"abs({a})"
            return f"({a}) ** {e}" if r.random() < 0.85 else f"2 ** ({a})"
        if k < 0.66:
            c = self.expr(shape, d)
            return f"where({c} > {self.const()}, {self.expr(shape, d)}, {self.expr(shape, d)})"
        if k < 0.72:
            lo, hi = sorted(r.sample([-1, -0.5, 0, 0.5, 1, 2], 2))
            return r.choice([f"clamp({self.expr(shape, d)}, min={lo}, max={hi})",
                             f"clamp({self.expr(shape, d)}, min={lo})",
                             f"clamp({self.expr(shape, d)}, max={hi})"])
        if k < 0.8 and self.funcs:
            name, s = r.choice(self.funcs)
            if s == shape:
                return f"{name}({self.expr(shape, d)})"
        if shape == ():
            return self.scalar_from_tensor(d)
        if len(shape) == 2 and k < 0.9:
            return f"({self.expr(shape, d)} @ {self.expr(shape, d)})"
        if len(shape) == 1 and k < 0.9:
            return f"softmax({self.expr(shape, d)})"
        return self.atom(shape)

    def scalar_from_tensor(self, d):
        r = self.r
        if self.xshape == () and "x" not in [n for n, s in self.vars.items() if s != ()]:
            shapes = [s for s in self.vars.values() if s != ()]
            if not shapes:
                return self.atom(())
            s = r.choice(shapes)
        else:
            s = self.xshape
        t = self.expr(s, d)
        k = r.random()
        if k < 0.55:
            f = r.choice(REDUCE)
            if f == "norm" and r.random() < 0.3:
                return f"norm({t}, p={r.choice(['1', 'inf'])})"
            return f"{f}({t})" if r.random() < 0.7 else f"({t}).{f}()"
        if k < 0.8:
            i = ", ".join(str(r.randrange(n)) for n in s)
            return f"({t})[{i}]"
        if len(s) == 1:
            return f"({t} @ {self.expr(s, d)})"
        return f"trace({t})" if r.random() < 0.5 else f"sum({t} @ {t})"

    # ----- statements -----
    def statement(self):
        r = self.r
        k = r.random()
        name = r.choice(["a", "b", "c"])
        shape = r.choice([(), self.xshape])
        if k < 0.45:
            self.lines.append(f"{name} = {self.expr(shape)}")
            self.vars[name] = shape
        elif k < 0.6:
            self.control = True
            a = self.expr((), 2)
            self.lines += [f"if {a} > {self.const()}:", f"    {name} = {self.expr(shape, 2)}",
                           "else:", f"    {name} = {self.expr(shape, 2)}"]
            self.vars[name] = shape
        elif k < 0.7:
            self.control = True
            self.lines += [f"{name} = {self.expr((), 2)}", "n = 0",
                           f"while {name} < {r.choice(['2', '5', '10'])} and n < 4:",
                           f"    {name} = {name} * {r.choice(['1.5', '2', '-1.2'])} + "
                           f"{self.expr((), 1)}", "    n = n + 1"]
            self.vars[name] = ()
        elif k < 0.8:
            self.lines += [f"for i in range({r.randint(1, 4)}):",
                           f"    {name} = {self.expr(shape, 2)}"]
            self.vars[name] = shape
        elif k < 0.9:
            fname = f"f{len(self.funcs)}"
            saved, self.vars = self.vars, {"t": shape}
            body = self.expr(shape, 2)
            self.vars = saved
            self.lines += [f"def {fname}(t):", f"    return {body}"]
            self.funcs.append((fname, shape))
        else:
            fname = f"g{len(self.funcs)}"
            saved, self.vars = self.vars, {"t": self.xshape}
            body = self.expr((), 2)
            self.vars = saved
            self.lines += [f"def {fname}(t):", f"    return {body}",
                           f"{name} = grad({fname})({r.choice(['x', 'x * 2', 'sin(x)'])})"]
            self.vars[name] = self.xshape

    def program(self):
        """(source, extra args, whether x is a free symbol)"""
        r = self.r
        for _ in range(r.randint(0, 4)):
            self.statement()
        out = self.expr(() if r.random() < 0.85 else self.xshape, 3)
        self.lines.append(f"y = {out}")
        args, free = [], False
        if self.xshape == ():
            value = r.choice(POINTS)
            if not self.control and r.random() < 0.15:
                free = True
            elif r.random() < 0.3:
                args = ["--set", f"x={value}"]
            else:
                self.lines.insert(0, f"x = {value}")
        else:
            lit = self.literal(self.xshape)
            if r.random() < 0.25:      # ties and zeros: where the kinks are
                v = r.choice(["0.0", "1.0", "-1.0", "2.0"])
                lit = self.literal_of(v)
            self.lines.insert(0, f"x = {lit}")
        return "\n".join(self.lines) + "\n", args, free

    def literal_of(self, v):
        vals = [v] * math.prod(self.xshape)
        if len(self.xshape) == 1:
            return f"tensor([{', '.join(vals)}])"
        return f"tensor([[{vals[0]}, {vals[1]}], [{vals[2]}, {vals[3]}]])"


# ----- running and checking -----

def symbols_for(shape):
    import sympy as sp
    names = ["x"] if shape == () else ["_".join(["x", *map(str, i)]) for i in _ndindex(shape)]
    return {n: sp.Symbol(n, real=True) for n in names}


def _ndindex(shape):
    import numpy as np
    return list(np.ndindex(*shape))


def _nested_map(v, f):
    return [_nested_map(e, f) for e in v] if isinstance(v, list) else f(v)


def _flat(v):
    return [u for e in v for u in _flat(e)] if isinstance(v, list) else [v]


def _number(v):
    return {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}.get(v, v) \
        if isinstance(v, str) else float(v)


def _close(a, b):
    """a (the formula's value: a float, or "zoo") against b (the numeric gradient)."""
    if a == "zoo":              # SymPy's unsigned infinity (1/0): either IEEE infinity
        return math.isinf(b)
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return abs(a - b) <= 1e-8 + 1e-6 * abs(b)


SPECIAL = Counter()          # how often a formula's value at the point is zoo or not real


def _value(e, point):
    """e at the point: (a float, "zoo" or NaN for a value that is not real, None or why not)."""
    import sympy as sp
    v = sp.N(e.xreplace(point))
    if v is sp.zoo:
        SPECIAL["zoo"] += 1
        return "zoo", None
    try:
        c = complex(v)
    except TypeError:
        return math.nan, f"not a number at the point: {v}"
    if abs(c.imag) > 1e-9 * max(1.0, abs(c.real)):
        SPECIAL["not real"] += 1          # sqrt'(-1): IEEE's NaN
        return math.nan, None
    return c.real, None


def check_run(source, args, free, python=sys.executable):
    """Run one program; -> (outcome, detail). outcome: 'ok', 'error' (a clean G error),
    'unverified', 'verified-null', 'no-formula', 'slow', or 'FAIL…' (a bug)."""
    import sympy as sp
    with tempfile.NamedTemporaryFile("w", suffix=".g", delete=False) as f:
        f.write(source)
    cmd = [python, "-m", "gradcli", "run", f.name, "--wrt", "x", "--formula", "--json", *args]
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        proc = subprocess.run(cmd, capture_output=True, encoding="utf-8", errors="replace",
                              env=env, timeout=TIMEOUT, cwd=str(ROOT))
    except subprocess.TimeoutExpired:
        return "FAIL timeout", f"more than {TIMEOUT} s"
    finally:
        os.unlink(f.name)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)    # CPU time: the machine is shared
    seconds = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if proc.stderr:
        return "FAIL stderr", proc.stderr[-3000:]
    if proc.returncode not in (0, 1):
        return "FAIL status", f"exit {proc.returncode}\n{proc.stdout[-2000:]}"
    try:
        doc = json.loads(proc.stdout)
    except ValueError:
        return "FAIL json", proc.stdout[-2000:]
    if not doc.get("ok"):
        err = doc.get("error") or {}
        if proc.returncode != 1 or err.get("kind") not in KINDS or not err.get("message"):
            return "FAIL error", json.dumps(err)
        if err.get("line") is None:
            return "FAIL error-location", json.dumps(err)
        return "error", f"{err['kind']}: {err['message']}"
    if proc.returncode != 0:
        return "FAIL status", f"exit {proc.returncode} with ok true"
    fx = doc.get("formula", {}).get("x")
    if fx is None:
        return "FAIL no formula entry", proc.stdout[-2000:]
    if fx.get("expr") is None:
        return "no-formula", fx.get("reason")
    syms = symbols_for(tuple(doc["variables"]["x"]["shape"]) if "x" in doc["variables"] else ())
    try:
        J = _nested_map(fx["expr"], lambda s: sp.sympify(s, locals=syms))
    except Exception as exc:  # noqa: BLE001 — whatever sympify raises is the finding
        return "FAIL sympify", f"{type(exc).__name__}: {exc}\n{fx['expr']}"
    extra = {s for e in _flat(J) for s in getattr(e, "free_symbols", ())} - set(syms.values())
    if extra:
        return "FAIL symbols", f"unknown symbols {extra} in {fx['expr']}"
    if free:
        if fx.get("verified") is not None:
            return "FAIL verified-free", str(fx.get("verified"))
        return ("slow", f"{seconds:.1f} s CPU") if seconds > SLOW_SECONDS else ("ok", "free")
    xs = doc["variables"]["x"]["value"]
    point = {syms[n]: sp.Float(_number(v)) for n, v in zip(syms, _flat(xs))}
    grads = [_number(g) for g in _flat(doc["gradients"]["x"])]
    entries = _flat(J)
    if len(entries) != len(grads):
        return "FAIL shape", f"{len(entries)} formulas for {len(grads)} gradient entries"
    verified = fx.get("verified")
    bad = []
    if verified is True or verified is False:
        for i, (e, g) in enumerate(zip(entries, grads)):
            v, why = _value(sp.sympify(e), point)
            if why or not _close(v, g):
                bad.append(f"[{i}] formula {v} ({why or e}) vs gradient {g}")
    if verified is True and bad:
        return "FAIL verified-but-differs", "\n".join(bad)
    if verified is False:
        if not bad:
            return "FAIL unverified-but-equal", "verified false, yet the parsed formula agrees"
        return "unverified", "\n".join(bad)
    if verified is None:
        return "verified-null", f"{seconds:.1f} s CPU"
    if seconds > SLOW_SECONDS:
        return "slow", f"{seconds:.1f} s CPU"
    return "ok", ""


def fuzz(n, seconds, seed, out_dir, log=print):
    """Run up to n programs (or for `seconds`); -> (Counter of outcomes, [failures])."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    counts, found = Counter(), []
    start = time.time()
    for k in range(n):
        if time.time() - start > seconds:
            break
        rng = random.Random(f"{seed}:{k}")
        source, args, free = Gen(rng).program()
        outcome, detail = check_run(source, args, free)
        counts[outcome.split()[0] if outcome.startswith("FAIL") else outcome] += 1
        if outcome not in ("ok", "error"):
            tag = outcome.replace(" ", "_")
            path = out / f"{tag}-{seed}-{k}.g"
            path.write_text(source)
            path.with_suffix(".txt").write_text(
                f"gradcli run {path.name} --wrt x --formula --json {' '.join(args)}\n"
                f"{outcome}\n{detail}\n")
            if outcome.startswith("FAIL"):
                found.append((outcome, source, args, detail))
                log(f"#{k} {outcome}: {path}")
        if (k + 1) % 50 == 0:
            log(f"{k + 1} programs, {time.time() - start:.0f} s: {dict(counts)}")
    return counts, found


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10**9, help="programs to run (default: until --seconds)")
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--seed", default="0")
    ap.add_argument("--out", default="/tmp/formula_fuzz")
    ap.add_argument("--show", type=int, metavar="K", help="print program K of --seed and exit")
    a = ap.parse_args()
    if a.show is not None:
        source, args, free = Gen(random.Random(f"{a.seed}:{a.show}")).program()
        print(source + f"# args: {args} free: {free}")
        return
    counts, found = fuzz(a.n, a.seconds, a.seed, a.out, log=lambda m: print(m, flush=True))
    print(f"total {sum(counts.values())}: {dict(counts)}; formula values at the point that were "
          f"{dict(SPECIAL)}; {len(found)} failures in {a.out}")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
