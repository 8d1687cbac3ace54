#!/usr/bin/env python
"""Benchmark of the autograd engine against numpy by hand and PyTorch eager.

    python bench/engine.py                 # the full report (a few minutes)
    python bench/engine.py --quick         # smoke test: smaller sizes, one repeat
    python bench/engine.py --repeats 9     # more timed runs per measurement

Cases (see bench/README.md):
  (a) scalar chain   x 0-d leaf, N x `y = sin(y)*0.5 + y*0.25 + 0.1` (5 ops), backward
  (b) small tensors  x 16x16 leaf (zeros), N x `y = tanh(y @ W)*0.9 + y*0.1` (5 ops), sum(y*y), backward
  (b2)               the same from x = randn (for the record: a backward on subnormal numbers)
  (c) MLP step       mean((tanh(X@W1)@W2)**2), backward, SGD update; float64, ms per step
  (d) memory         peak RSS of (a) at two sizes, bytes per recorded op

Every contender of every case runs in a fresh subprocess (`--child CASE CONTENDER`), so peak RSS
and allocator state are not shared and torch is imported only in torch children (run with
`--torch-python`). Each child does one warm-up run, then `--repeats` timed runs, and prints one
JSON line; the parent quotes medians. The environment (OPENBLAS_* included) is passed unchanged.
The report is not a test: the exit status is 0 unless a child crashed.

Profile one child:  python bench/engine.py --child b gradcli --n 20000 --repeats 1 --profile
"""
from __future__ import annotations

import argparse
import functools
import gc
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time

HERE = os.path.abspath(__file__)
REPO = os.path.dirname(os.path.dirname(HERE))

OPS_PER_ITER = 5          # (a) and (b): recorded ops per loop iteration
SEED_B = 1                # (b): W = randn(16, 16) * 0.5 after np.random.seed(1)
SEED_C = 0                # (c): X, W1, W2 after np.random.seed(0)
LR = 0.01                 # (c): SGD learning rate
X0_A = 0.5                # (a): the value of the 0-d leaf

TARGETS = {               # gradcli / reference, measured in the same run
    "a": ("torch", 0.4),
    "b": ("torch", 0.5),
    "c": ("numpy", 1.1),
    "d": (None, 400.0),   # bytes per recorded op
}

FULL = dict(a_n=100_000, b_n=20_000, c_shape=(512, 1024, 1024, 10), d_n=(100_000, 1_000_000))
QUICK = dict(a_n=10_000, b_n=2_000, c_shape=(128, 256, 256, 10), d_n=(10_000, 100_000))

perf = time.perf_counter


# =====================================================================================
# Children: one contender, one case. Each `make_*` returns `run()`, which does the work
# once and returns ({phase: seconds}, [check values]).
# =====================================================================================

# ----- (a) scalar chain ---------------------------------------------------------------

def a_gradcli(n):
    import gradcli.autograd as ag
    sin = ag.sin

    def run():
        x = ag.tensor(X0_A, requires_grad=True)
        t0 = perf()
        y = x
        for _ in range(n):
            y = sin(y) * 0.5 + y * 0.25 + 0.1
        t1 = perf()
        y.backward()
        t2 = perf()
        yv = float(y.data)
        t3 = perf()
        del y
        t4 = perf()
        return {"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3}, [yv, float(x.grad.data)]
    return run


def a_torch(n):
    import torch
    torch.set_num_threads(1)
    sin = torch.sin

    def run():
        x = torch.tensor(X0_A, dtype=torch.float64, requires_grad=True)
        t0 = perf()
        y = x
        for _ in range(n):
            y = sin(y) * 0.5 + y * 0.25 + 0.1
        t1 = perf()
        y.backward()
        t2 = perf()
        yv = float(y.detach())
        t3 = perf()
        del y
        t4 = perf()
        return {"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3}, [yv, float(x.grad)]
    return run


def a_numpy(n):
    import numpy as np
    sin, cos, f64 = np.sin, np.cos, np.float64

    def run():
        x = f64(X0_A)
        t0 = perf()
        saved = []                      # what backward needs: the input of each iteration
        keep = saved.append
        y = x
        for _ in range(n):
            keep(y)
            y = sin(y) * 0.5 + y * 0.25 + 0.1
        t1 = perf()
        g = f64(1.0)                    # dy/dy_prev = cos(y_prev)*0.5 + 0.25
        for v in reversed(saved):
            g = g * (cos(v) * 0.5 + 0.25)
        t2 = perf()
        yv = float(y)
        t3 = perf()
        del saved, keep, y
        t4 = perf()
        return {"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3}, [yv, float(g)]

    def diag():
        """Not timed: how many backward steps carry a subnormal gradient (slow on x86)."""
        tiny = np.finfo(np.float64).tiny
        saved, y = [], f64(X0_A)
        for _ in range(n):
            saved.append(y)
            y = sin(y) * 0.5 + y * 0.25 + 0.1
        g, sub = f64(1.0), 0
        for v in reversed(saved):
            g = g * (cos(v) * 0.5 + 0.25)
            sub += bool(0 < abs(g) < tiny)
        return {"subnormal_steps": sub, "steps": n}
    run.diag = diag
    return run


# ----- (b) small tensors --------------------------------------------------------------

def b_data(start):
    """W as the issue fixes it; x, which the issue leaves open, from `start`:

    "zeros" (case b): the start that reproduces the issue's reference figures on this machine
    (numpy 1.9 µs/op, torch 8.2): every other start converges to the same attractor, where the
    gradient flowing back decays into subnormal numbers for ~70% of the steps;
    "randn" (case b2, for the record): x = the next randn(16, 16) after W — the subnormal case.
    """
    import numpy as np
    np.random.seed(SEED_B)
    w = np.random.randn(16, 16) * 0.5
    x0 = np.random.randn(16, 16) if start == "randn" else np.zeros((16, 16))
    return w, x0


def b_gradcli(n, start="zeros"):
    import gradcli.autograd as ag
    w_np, x0 = b_data(start)
    W = ag.tensor(w_np)
    tanh = ag.tanh

    def run():
        x = ag.tensor(x0, requires_grad=True)
        t0 = perf()
        y = x
        for _ in range(n):
            y = tanh(y @ W) * 0.9 + y * 0.1
        s = (y * y).sum()
        t1 = perf()
        s.backward()
        t2 = perf()
        sv = float(s.data)
        t3 = perf()
        del s, y
        t4 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3},
                [sv, float(abs(x.grad.data).sum())])
    return run


def b_torch(n, start="zeros"):
    import torch
    torch.set_num_threads(1)
    w_np, x0 = b_data(start)
    W = torch.from_numpy(w_np)
    tanh = torch.tanh

    def run():
        x = torch.tensor(x0, dtype=torch.float64, requires_grad=True)
        t0 = perf()
        y = x
        for _ in range(n):
            y = tanh(y @ W) * 0.9 + y * 0.1
        s = (y * y).sum()
        t1 = perf()
        s.backward()
        t2 = perf()
        sv = float(s.detach())
        t3 = perf()
        del s, y
        t4 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3},
                [sv, float(x.grad.abs().sum())])
    return run


def b_numpy(n, start="zeros"):
    import numpy as np
    W, x0 = b_data(start)
    WT = W.T
    tanh = np.tanh

    def run():
        x = x0.copy()
        t0 = perf()
        acts = []                       # what backward needs: t = tanh(y @ W) of each iteration
        keep = acts.append
        y = x
        for _ in range(n):
            t = tanh(y @ W)
            keep(t)
            y = t * 0.9 + y * 0.1
        s = (y * y).sum()
        t1 = perf()
        g = 2.0 * y                     # d sum(y*y) / dy
        for t in reversed(acts):        # y' = 0.9*tanh(y@W) + 0.1*y
            g = ((g * 0.9) * (1.0 - t * t)) @ WT + g * 0.1
        t2 = perf()
        sv = float(s)
        t3 = perf()
        del acts, keep, y, s, t
        t4 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "free": t4 - t3},
                [sv, float(abs(g).sum())])

    def diag():
        """Not timed: how many backward steps carry a subnormal gradient (slow on x86)."""
        tiny = np.finfo(np.float64).tiny
        acts, y = [], x0.copy()
        for _ in range(n):
            t = tanh(y @ W)
            acts.append(t)
            y = t * 0.9 + y * 0.1
        g, sub = 2.0 * y, 0
        for t in reversed(acts):
            g = ((g * 0.9) * (1.0 - t * t)) @ WT + g * 0.1
            a = abs(g)
            sub += bool(((a > 0) & (a < tiny)).any())
        return {"subnormal_steps": sub, "steps": n}
    run.diag = diag
    return run


# ----- (c) MLP step -------------------------------------------------------------------

def c_data(shape):
    import numpy as np
    n, d, h, k = shape
    np.random.seed(SEED_C)
    X = np.random.randn(n, d)
    W1 = np.random.randn(d, h) * 0.03
    W2 = np.random.randn(h, k) * 0.03
    return X, W1, W2


def c_gradcli(shape):
    import gradcli.autograd as ag
    X_np, W1_np, W2_np = c_data(shape)
    X = ag.tensor(X_np)
    W1 = ag.tensor(W1_np, requires_grad=True)
    W2 = ag.tensor(W2_np, requires_grad=True)
    tanh, mean, no_grad = ag.tanh, ag.mean, ag.no_grad

    def run():
        t0 = perf()
        loss = mean((tanh(X @ W1) @ W2) ** 2)
        t1 = perf()
        loss.backward()
        t2 = perf()
        with no_grad():
            W1.update_(W1.data - LR * W1.grad.data)
            W2.update_(W2.data - LR * W2.grad.data)
        W1.grad = None
        W2.grad = None
        t3 = perf()
        lv = float(loss.data)
        t4 = perf()
        del loss
        t5 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "free": t5 - t4},
                [lv])
    return run


def c_torch(shape):
    import torch
    X_np, W1_np, W2_np = c_data(shape)
    X = torch.from_numpy(X_np)
    W1 = torch.from_numpy(W1_np).requires_grad_(True)
    W2 = torch.from_numpy(W2_np).requires_grad_(True)
    tanh = torch.tanh

    def run():
        nonlocal W1, W2                  # `-=` below updates them in place
        t0 = perf()
        loss = ((tanh(X @ W1) @ W2) ** 2).mean()
        t1 = perf()
        loss.backward()
        t2 = perf()
        with torch.no_grad():
            W1 -= LR * W1.grad
            W2 -= LR * W2.grad
        W1.grad = None
        W2.grad = None
        t3 = perf()
        lv = float(loss.detach())
        t4 = perf()
        del loss
        t5 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "free": t5 - t4},
                [lv])
    return run


def c_numpy(shape):
    import numpy as np
    X, W1, W2 = c_data(shape)
    XT = X.T
    tanh = np.tanh

    def run():
        nonlocal W1, W2                  # `-=` below updates them in place
        t0 = perf()
        t = tanh(X @ W1)
        o = t @ W2
        loss = (o * o).mean()
        t1 = perf()
        go = o * (2.0 / o.size)          # d mean(o**2) / do
        gW2 = t.T @ go
        gt = go @ W2.T
        gh = gt * (1.0 - t * t)          # tanh' = 1 - t**2
        gW1 = XT @ gh
        t2 = perf()
        W1 -= LR * gW1                   # SGD, in place
        W2 -= LR * gW2
        t3 = perf()
        lv = float(loss)
        t4 = perf()
        del t, o, loss, go, gW2, gt, gh, gW1
        t5 = perf()
        return ({"forward": t1 - t0, "backward": t2 - t1, "update": t3 - t2, "free": t5 - t4},
                [lv])
    return run


MAKERS = {
    "a": {"gradcli": a_gradcli, "torch": a_torch, "numpy": a_numpy},
    "b": {"gradcli": b_gradcli, "torch": b_torch, "numpy": b_numpy},
    "c": {"gradcli": c_gradcli, "torch": c_torch, "numpy": c_numpy},
}
MAKERS["d"] = MAKERS["a"]
MAKERS["b2"] = {k: functools.partial(f, start="randn") for k, f in MAKERS["b"].items()}


def child_main(args):
    case, contender = args.child
    size = tuple(args.shape) if case == "c" else args.n
    run = MAKERS[case][contender](size)
    import resource

    def minflt():
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    runs, checks, faults = [], [], []
    if case == "d":               # memory: one run, no warm-up, then the peak RSS of the process
        gc.collect()
        phases, check = run()
        runs.append(phases)
        checks.append(check)
    else:
        gc.collect()
        phases, check = run()                 # warm-up
        checks.append(check)
        profiler = None
        if args.profile:
            import cProfile
            profiler = cProfile.Profile()
        for _ in range(args.repeats):
            gc.collect()
            if profiler:
                profiler.enable()
            f0 = minflt()
            phases, check = run()
            faults.append(minflt() - f0)
            if profiler:
                profiler.disable()
            runs.append(phases)
            checks.append(check)
        if profiler:
            import pstats
            st = pstats.Stats(profiler, stream=sys.stderr)
            st.sort_stats("tottime").print_stats(25)
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss   # KiB on Linux
    diag = run.diag() if case != "d" and hasattr(run, "diag") else None
    print(json.dumps({"case": case, "contender": contender, "size": size, "runs": runs,
                      "checks": checks, "faults": faults, "diag": diag, "maxrss": maxrss_kb * 1024,
                      "python": sys.version.split()[0], "pid": os.getpid()}))


# =====================================================================================
# Parent: orchestrate children, print the report.
# =====================================================================================

def find_torch_python(requested):
    """(path, note): the interpreter for torch children, or (None, why not)."""
    def works(py):
        try:
            r = subprocess.run([py, "-c", "import torch, numpy"], capture_output=True, timeout=120)
        except (OSError, subprocess.TimeoutExpired):
            return False
        return r.returncode == 0
    requested = requested or os.environ.get("GRADCLI_TORCH_PYTHON")
    if requested:
        if works(requested):
            return requested, None
        return None, f"torch interpreter {requested}: `import torch, numpy` fails there; torch skipped"
    if works(sys.executable):
        return sys.executable, None
    return None, ("torch is not importable here; torch columns skipped (pass --torch-python PATH "
                  "or set GRADCLI_TORCH_PYTHON)")


def versions_of(py, torch_too):
    code = ("import sys, numpy; v = {'python': sys.version.split()[0], 'numpy': numpy.__version__}\n"
            + ("import torch; v['torch'] = torch.__version__; v['torch_threads'] = torch.get_num_threads()\n"
               if torch_too else "")
            + "import json; print(json.dumps(v))")
    r = subprocess.run([py, "-c", code], capture_output=True, text=True)
    return json.loads(r.stdout) if r.returncode == 0 else {}


class Crash(Exception):
    pass


def run_child(py, case, contender, size, repeats, log):
    cmd = [py, HERE, "--child", case, contender, "--repeats", str(repeats)]
    if case == "c":
        cmd += ["--shape", *map(str, size)]
    else:
        cmd += ["--n", str(size)]
    t0 = perf()
    print(f"  running {case}/{contender} (size {size}) ...", end="", file=log, flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    print(f" {perf() - t0:.1f}s", file=log, flush=True)
    if r.returncode != 0:
        raise Crash(f"child {' '.join(map(shlex.quote, cmd))} exited {r.returncode}:\n"
                    + r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def summarize(res, nops):
    """Median and min per phase and of the total, divided by `nops` (None: keep seconds)."""
    runs = res["runs"]
    phases = list(runs[0])
    div = nops or 1
    out = {}
    for p in phases:
        vals = [r[p] / div for r in runs]
        out[p] = (statistics.median(vals), min(vals))
    tot = [sum(r.values()) / div for r in runs]
    out["total"] = (statistics.median(tot), min(tot))
    out["faults"] = statistics.median(res["faults"]) if res.get("faults") else None
    return out


def fmt_ratio(x):
    return "-" if x is None else f"{x:.2f}x"


def print_time_table(short, title, rows, phases, unit, scale, target, verdicts, faults=False):
    """rows: [(label, summary or None, note)]. `faults`: add a column of minor page faults/run."""
    print(title)
    ref = {label: s for label, s, _ in rows if s is not None}
    g = ref.get("gradcli")
    head = f"  {'contender':<14}" + "".join(f"{p:>10}" for p in phases) + \
        f"{'total':>10}{'(min)':>10}{'vs torch':>10}{'vs numpy':>10}" + \
        (f"{'faults':>9}" if faults else "")
    print(f"  [{unit}, median of runs; (min) = fastest run's total"
          + ("; faults = minor page faults per step (median)]" if faults else "]"))
    print(head)
    print("  " + "-" * (len(head) - 2))
    for label, s, note in rows:
        if s is None:
            print(f"  {label:<14}  {note}")
            continue
        cells = "".join(f"{s[p][0] * scale:>10.3f}" for p in phases)
        vt = vn = None
        if label == "gradcli":
            if "torch" in ref:
                vt = g["total"][0] / ref["torch"]["total"][0]
            if "numpy (hand)" in ref:
                vn = g["total"][0] / ref["numpy (hand)"]["total"][0]
        print(f"  {label:<14}{cells}{s['total'][0] * scale:>10.3f}{s['total'][1] * scale:>10.3f}"
              f"{fmt_ratio(vt):>10}{fmt_ratio(vn):>10}"
              + (f"{s['faults']:>9.0f}" if faults and s["faults"] is not None else ""))
    against, limit = target
    key = "numpy (hand)" if against == "numpy" else against
    if g is None:
        verdict = "FAIL (gradcli did not run)"
    elif key not in ref:
        verdict = f"n/a ({against} did not run)"
    elif limit is None:
        verdict = (f"no target (x is not fixed by the issue; (b) is the case with its reference "
                   f"figures): gradcli/{against} = {g['total'][0] / ref[key]['total'][0]:.2f}x")
    else:
        ratio = g["total"][0] / ref[key]["total"][0]
        ok = ratio <= limit
        verdict = (f"{'PASS' if ok else 'FAIL'}: gradcli/{against} = {ratio:.2f}x, "
                   f"target <= {limit}x" + ("" if ok else f" (over by {ratio / limit:.2f}x; "
                                               f"needs {(1 - limit / ratio) * 100:.0f}% less time)"))
    verdicts.append((short, verdict))
    print(f"  target: {verdict}")


def print_checks(results):
    """Same numbers from every contender: a sanity check that they did the same work."""
    vals = {c: r["checks"][0] for c, r in results.items() if r is not None}
    if not vals:
        return
    text = "; ".join(f"{c} " + ", ".join(f"{v:.6g}" for v in vs) for c, vs in vals.items())
    g = vals.get("gradcli")
    agree = []
    for c, vs in vals.items():
        if c == "gradcli" or g is None:
            continue
        # values below 1e-290 (a gradient underflowing through a long chain) count as equal
        rel = max((abs(a - b) / max(abs(a), abs(b)) if max(abs(a), abs(b)) > 1e-290 else 0.0
                   for a, b in zip(g, vs)), default=0.0)
        agree.append(f"gradcli vs {c}: max rel diff {rel:.1e}")
    print(f"  check (value, grad; first run): {text}" + (f"  [{'; '.join(agree)}]" if agree else ""))


def print_subnormal(results):
    r = results.get("numpy")
    d = r and r.get("diag")
    if not d:
        return
    frac = d["subnormal_steps"] / d["steps"]
    print(f"  subnormals: the gradient is subnormal (< 2.2e-308) in {d['subnormal_steps']:,} of "
          f"{d['steps']:,} backward steps ({frac:.0%})"
          + ("; subnormal arithmetic is much slower per element on x86, so those steps cost "
             "more for every contender" if frac > 0.05 else ""))


def parent_main(args, argv):
    log = sys.stderr
    sizes = QUICK if args.quick else FULL
    repeats = args.repeats if args.repeats is not None else (1 if args.quick else 5)
    torch_py, torch_note = find_torch_python(args.torch_python)
    contenders = [("gradcli", sys.executable), ("torch", torch_py), ("numpy", sys.executable)]

    print("gradcli autograd engine benchmark")
    print("command: " + shlex.join([sys.executable, *argv]) + f"   (cwd {os.getcwd()})")
    here = versions_of(sys.executable, False)
    try:
        import numpy  # noqa: F401 (for its version; the parent does no work with it)
        np_ver = numpy.__version__
    except ImportError:
        np_ver = "?"
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    print(f"machine: nproc {nproc} (cpu_count {os.cpu_count()}), {platform.machine()}, "
          f"{platform.processor() or platform.platform()}")
    print(f"gradcli/numpy children: python {here.get('python', platform.python_version())} "
          f"({sys.executable}), numpy {np_ver}")
    if torch_py:
        tv = versions_of(torch_py, True)
        print(f"torch children: python {tv.get('python')} ({torch_py}), numpy {tv.get('numpy')}, "
              f"torch {tv.get('torch')} (threads: 1 for a/b/d, default {tv.get('torch_threads')} for c)")
    else:
        print(f"torch: {torch_note}")
    blas_env = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    print("environment (passed unchanged to all children): "
          + (", ".join(f"{k}={v}" for k, v in sorted(blas_env.items())) or "no OPENBLAS_*/OMP_*/MKL_* set"))
    print(f"repeats: {repeats} timed runs per measurement after one warm-up run "
          f"(memory: one run, no warm-up); each contender in a fresh subprocess")
    print(flush=True)

    crashes = []
    results = {}

    def measure(case, size, reps):
        out = {}
        for name, py in contenders:
            if py is None:
                out[name] = None
                continue
            try:
                out[name] = run_child(py, case, name, size, reps, log)
            except Crash as exc:
                crashes.append(str(exc))
                print(f"  CRASH: {exc}", file=log)
                out[name] = None
        return out

    t_start = perf()
    print("measuring (progress on stderr) ...", file=log, flush=True)
    results["a"] = measure("a", sizes["a_n"], repeats)
    results["b"] = measure("b", sizes["b_n"], repeats)
    results["b2"] = measure("b2", sizes["b_n"], repeats)
    results["c"] = measure("c", sizes["c_shape"], repeats)
    results["d"] = [measure("d", n, 1) for n in sizes["d_n"]]
    elapsed = perf() - t_start

    verdicts = []
    label = {"gradcli": "gradcli", "torch": "torch", "numpy": "numpy (hand)"}

    def rows_for(case, nops):
        rows = []
        for name, _ in contenders:
            r = results[case][name]
            note = torch_note if name == "torch" and torch_py is None else "crashed (see stderr)"
            rows.append((label[name], summarize(r, nops) if r else None, note))
        return rows

    n = sizes["a_n"]
    nops = n * OPS_PER_ITER
    print_time_table("(a) scalar chain", f"(a) scalar chain: x 0-d leaf, {n:,} x `y = sin(y)*0.5 + y*0.25 + 0.1`, "
                     f"backward -- {nops:,} recorded ops",
                     rows_for("a", nops), ["forward", "backward", "free"], "µs per recorded op",
                     1e6, TARGETS["a"], verdicts)
    print_checks(results["a"])
    print_subnormal(results["a"])
    print()

    n = sizes["b_n"]
    nops = n * OPS_PER_ITER + 2
    print_time_table("(b) small tensors", f"(b) small tensors: x 16x16 leaf, {n:,} x `y = tanh(y @ W)*0.9 + y*0.1`, "
                     f"sum(y*y), backward -- {nops:,} recorded ops",
                     rows_for("b", nops), ["forward", "backward", "free"], "µs per recorded op",
                     1e6, TARGETS["b"], verdicts)
    print_checks(results["b"])
    print_subnormal(results["b"])
    print()

    print_time_table("(b2) subnormal", f"(b2) the same from x = randn(16, 16) (the issue leaves x open; for the "
                     f"record): the backward runs on subnormal numbers -- {nops:,} recorded ops",
                     rows_for("b2", nops), ["forward", "backward", "free"], "µs per recorded op",
                     1e6, (TARGETS["b"][0], None), verdicts)
    print_checks(results["b2"])
    print_subnormal(results["b2"])
    print()

    sn, sd, sh, sk = sizes["c_shape"]
    print_time_table("(c) MLP step", f"(c) MLP step, float64: X {sn}x{sd}, W1 {sd}x{sh}, W2 {sh}x{sk}, "
                     f"mean((tanh(X@W1)@W2)**2), backward, SGD update (lr {LR})",
                     rows_for("c", None), ["forward", "backward", "update", "free"],
                     "ms per step", 1e3, TARGETS["c"], verdicts, faults=True)
    print_checks(results["c"])
    fl = {c: statistics.median(r["faults"]) for c, r in results["c"].items() if r and r["faults"]}
    if fl and max(fl.values()) > 1000:
        print("  note: a step that faults in thousands of pages pays for memory the allocator (glibc)\n"
              "  gave back to the OS when the previous step freed its temporaries (~4 KiB each): that\n"
              "  depends on the order of allocations and frees, not on the arithmetic.")
    print()

    n1, n2 = sizes["d_n"]
    print(f"(d) memory: peak RSS (ru_maxrss) of a fresh child running (a) at {n1:,} and {n2:,} "
          f"iterations; bytes/op = dRSS / ({n2 - n1:,} x {OPS_PER_ITER})")
    head = f"  {'contender':<14}{'RSS @' + format(n1, ','):>16}{'RSS @' + format(n2, ','):>16}" \
           f"{'dRSS':>12}{'bytes/op':>10}"
    print(head)
    print("  " + "-" * (len(head) - 2))
    dverdict = "FAIL (gradcli did not run)"
    for name, _ in contenders:
        r1, r2 = results["d"][0][name], results["d"][1][name]
        if r1 is None or r2 is None:
            print(f"  {label[name]:<14}  "
                  + (torch_note if name == "torch" and torch_py is None else "crashed (see stderr)"))
            continue
        d = r2["maxrss"] - r1["maxrss"]
        bpo = d / ((n2 - n1) * OPS_PER_ITER)
        print(f"  {label[name]:<14}{r1['maxrss'] / 2**20:>13.1f}MiB{r2['maxrss'] / 2**20:>13.1f}MiB"
              f"{d / 2**20:>9.1f}MiB{bpo:>10.1f}")
        if name == "gradcli":
            limit = TARGETS["d"][1]
            ok = bpo <= limit
            dverdict = (f"{'PASS' if ok else 'FAIL'}: gradcli {bpo:.0f} bytes/op, target <= "
                        f"{limit:.0f}" + ("" if ok else f" (over by {bpo - limit:.0f} bytes/op, "
                                                        f"{bpo / limit:.2f}x)"))
    verdicts.append(("(d) memory", dverdict))
    print(f"  target: {dverdict}")
    print()

    print("summary:")
    for case, v in verdicts:
        print(f"  {case:<20} {v}")
    print(f"measured in {elapsed:.0f}s" + (" (--quick: smoke-test sizes, not the targets' sizes)"
                                           if args.quick else ""))
    if crashes:
        print(f"{len(crashes)} child process(es) crashed; see stderr", file=log)
        return 1
    return 0


def main(argv=None):
    argv = sys.argv if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true",
                    help="smoke test: 10x fewer iterations, smaller MLP, 1 repeat")
    ap.add_argument("--repeats", type=int, default=None,
                    help="timed runs per measurement after one warm-up (default 5; --quick: 1)")
    ap.add_argument("--torch-python", metavar="PATH", default=None,
                    help="interpreter for the torch children (default: $GRADCLI_TORCH_PYTHON, "
                         "else this one if it imports torch, else no torch)")
    ap.add_argument("--child", nargs=2, metavar=("CASE", "CONTENDER"), help=argparse.SUPPRESS)
    ap.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--shape", type=int, nargs=4, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true",
                    help="with --child: cProfile the timed runs, stats on stderr")
    args = ap.parse_args(argv[1:])
    if args.child:
        case, contender = args.child
        if case not in MAKERS or contender not in MAKERS[case]:
            ap.error(f"unknown child {case} {contender}")
        if args.repeats is None:
            args.repeats = 5
        if case == "c" and args.shape is None:
            args.shape = list(FULL["c_shape"])
        if case != "c" and args.n is None:
            args.n = FULL["a_n"] if case in "ad" else FULL["b_n"]
        child_main(args)
        return 0
    return parent_main(args, argv)


if __name__ == "__main__":
    sys.exit(main())
