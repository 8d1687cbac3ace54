"""Fuzzing (LANGUAGE.md §11: no input, however malformed or hostile, prints a Python traceback).

Inputs come from tests/fuzzgen.py: valid programs generated from the grammar's constructs, and
byte- and token-level mutants of those and of samples/*.g. Each runs through the command line
in-process (`gradcli.cli.entry(["run", "-", ...])` with stdin, stdout and stderr replaced: click's
option parsing, the UTF-8 decoding of `_read`, `run_script`, the report), half of them with
`--json`, and must end with exit status 0 or 1, never a traceback or an internal error; under
`--json`, stdout is exactly one JSON document, `ok` true or an error of a §11 kind. A sample
also runs through the real `gradcli` executable (with its memory cap).

The default profile tries a few hundred inputs, derandomized (the same ones on every run); the
slow profile (`python -m pytest --slow tests/test_fuzz.py`) tries 20,000.
"""
from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import shutil
import subprocess
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings

from gradcli import cli

sys.path.insert(0, os.path.dirname(__file__))
import fuzzgen  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

KINDS = {"SyntaxError", "NameError", "TypeError", "ShapeError", "IndexError", "ValueError",
         "GradError", "LimitError"}
FORBIDDEN = ("Traceback", "internal error", "InternalError")
# Generated programs are small and bounded; mutants may loop: the timeout ends them.
LIMITS = ["--timeout", "5", "--max-memory", "256M"]

STATS = {"inputs": 0, "ok": 0, "seconds": 0.0}


def fast(n):
    return settings(max_examples=n, derandomize=True, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=False)


def slow(n):
    return settings(max_examples=n, derandomize=False, database=None, deadline=None,
                    suppress_health_check=list(HealthCheck), print_blob=True)


class _Stdin(io.TextIOWrapper):
    def isatty(self):
        return False


def run_in_process(case: fuzzgen.FuzzCase):
    """`gradcli run - ARGS` in this process, with `case`'s bytes on stdin. -> (status, out, err)"""
    stdin = _Stdin(io.BytesIO(case.data()), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    old_stdin = sys.stdin
    sys.stdin = stdin
    # A failed run ends with gc.collect() (runner._fail frees what it built). In the real
    # process that scans the run's objects; here it would also scan all of hypothesis's, for
    # seconds per input once it has tried thousands: keep those out of the collector's sight.
    gc.freeze()
    start = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                cli.entry(["run", "-", *LIMITS, *case.args])
                status = "entry returned without sys.exit"
            except SystemExit as e:
                status = e.code
    finally:
        sys.stdin = old_stdin
        STATS["seconds"] += time.perf_counter() - start
        gc.unfreeze()
    STATS["inputs"] += 1
    return status, out.getvalue(), err.getvalue()


def _no_constants(name):
    raise ValueError(f"JSON with a bare {name}: NaN and infinities must be strings")


def check(case: fuzzgen.FuzzCase, status, out: str, err: str):
    """The contract every input must keep."""
    for text, where in ((out, "stdout"), (err, "stderr")):
        for bad in FORBIDDEN:
            assert bad not in text, f"{bad!r} on {where}:\n{text[-3000:]}"
    assert status in (0, 1), f"exit status {status!r}\nstdout: {out[-2000:]}\nstderr: {err[-2000:]}"
    if case.as_json:
        assert err == "", f"--json wrote to stderr:\n{err[-2000:]}"
        assert out.endswith("\n") and out.count("\n") == 1, f"not one JSON line:\n{out[-2000:]}"
        doc = json.loads(out, parse_constant=_no_constants)
        assert isinstance(doc, dict) and doc.get("ok") in (True, False), out[-2000:]
        if doc["ok"]:
            STATS["ok"] += 1
            if status == 1:            # only a failed --check ends a successful run with 1
                assert "--check" in case.args and any(not c["ok"] for c in doc["check"].values()), out
        else:
            assert status == 1, out
            error = doc["error"]
            assert error["kind"] in KINDS, error
            assert isinstance(error["message"], str) and error["message"], error
            assert set(error) >= {"line", "column"}, error
            if error["kind"] == "SyntaxError":
                assert error["line"] is not None, error
    else:
        if status == 0:
            STATS["ok"] += 1
        elif "--check" not in case.args or err:
            first = err.split("\n", 1)[0]
            assert first.split(":", 1)[0] in KINDS, f"stderr does not start with a kind:\n{err[-2000:]}"
            if first.startswith("SyntaxError"):
                assert "-->" in err, f"a SyntaxError without its location:\n{err}"


def run_and_check(case):
    status, out, err = run_in_process(case)
    check(case, status, out, err)


@pytest.fixture(scope="module", autouse=True)
def _report(request):
    yield
    plugins = request.config.pluginmanager
    tr, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if tr is not None and capture is not None and STATS["inputs"]:
        with capture.global_and_fixture_disabled():
            tr.write_line(f"\nfuzz: {STATS['inputs']} inputs run in process ({STATS['ok']} ran to "
                          f"the end), {STATS['seconds']:.1f} s running them")


# ----- the default (CI) profile: a few hundred inputs, the same on every run -----

@fast(150)
@given(fuzzgen.program_cases())
def test_generated_programs(case):
    run_and_check(case)


@fast(100)
@given(fuzzgen.mutant_cases("bytes"))
def test_byte_mutants(case):
    run_and_check(case)


@fast(100)
@given(fuzzgen.mutant_cases("tokens"))
def test_token_mutants(case):
    run_and_check(case)


def test_generated_programs_mostly_run():
    """The generator is worth its name: most generated programs run to the end."""
    ok = total = 0

    @fast(60)
    @given(fuzzgen.program_cases())
    def probe(case):
        nonlocal ok, total
        status, out, err = run_in_process(case)
        check(case, status, out, err)
        total += 1
        ok += status == 0
    probe()
    assert ok >= total * 0.5, f"only {ok} of {total} generated programs ran to the end"


# ----- through the real executable -----

GRADCLI = shutil.which("gradcli")


@pytest.mark.skipif(GRADCLI is None, reason="the gradcli executable is not on PATH")
@fast(20)
@given(fuzzgen.cases(max_stmts=6))
def test_real_executable_sample(case):
    proc = subprocess.run([GRADCLI, "run", "-", *LIMITS, *case.args], input=case.data(),
                          capture_output=True, timeout=60, env={**os.environ, "NO_COLOR": "1"})
    check(case, proc.returncode, proc.stdout.decode("utf-8", "replace"),
          proc.stderr.decode("utf-8", "replace"))


# ----- the slow profile: 20,000 inputs (python -m pytest --slow tests/test_fuzz.py) -----

@pytest.mark.slow
@slow(8000)
@given(fuzzgen.program_cases(max_stmts=14))
def test_slow_generated_programs(case):
    run_and_check(case)


@pytest.mark.slow
@slow(6000)
@given(fuzzgen.mutant_cases("bytes"))
def test_slow_byte_mutants(case):
    run_and_check(case)


@pytest.mark.slow
@slow(5900)
@given(fuzzgen.mutant_cases("tokens"))
def test_slow_token_mutants(case):
    run_and_check(case)


@pytest.mark.slow
@pytest.mark.skipif(GRADCLI is None, reason="the gradcli executable is not on PATH")
@slow(100)
@given(fuzzgen.cases(max_stmts=10))
def test_slow_real_executable(case):
    test_real_executable_sample.hypothesis.inner_test(case)
