"""Golden scripts (DESIGN.md rule 10): each `tests/golden/*.g` carries its expectations as comments,
in the style of Crafting Interpreters' `// expect:` files.

    # expect: <line>              the next line the script writes to stdout (exactly; one space
                                  after the colon is dropped, the rest of the line is kept)
    # expect-error: Kind: text    the run fails with that error kind; `text` is a substring of
                                  its message (the first line of stderr is `Kind: message`)
    # expect-error-line: N        the error is reported at line N (`--> FILE:N:COL`)
    # expect-stderr: text         stderr contains `text` (a hint, a note, a call site …)
    # args: --wrt x --seed 0      extra command-line arguments of `gradcli run FILE`
    # expect-exit: N              the exit status (default: 1 with expect-error, else 0)
    # xfail: reason               a known bug: the golden states the CORRECT behaviour and is
                                  marked xfail(strict=True) until the bug is fixed

A directive may follow code on the same line (`print(x)  # expect: 3`). Every file runs in
process with click's CliRunner (fast); a few run by subprocess too, to pin the real entry point.
"""
from __future__ import annotations

import os
import pathlib
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field

import pytest
from click.testing import CliRunner

from gradcli.cli import main

GOLDEN = pathlib.Path(__file__).parent / "golden"
FILES = sorted(GOLDEN.glob("*.g"))
_DIRECTIVE = re.compile(r"#\s*(expect|expect-error|expect-error-line|expect-stderr|args|expect-exit|xfail):(.*)$")


@dataclass
class Spec:
    stdout: list = field(default_factory=list)
    error: str | None = None
    error_line: int | None = None
    stderr: list = field(default_factory=list)
    args: list = field(default_factory=list)
    exit: int | None = None
    xfail: str | None = None

    @property
    def status(self) -> int:
        if self.exit is not None:
            return self.exit
        return 1 if self.error else 0


def parse_spec(path: pathlib.Path) -> Spec:
    spec = Spec()
    for line in path.read_text(encoding="utf-8").split("\n"):
        m = _DIRECTIVE.search(line)
        if not m:
            continue
        kind, rest = m.group(1), m.group(2)
        text = rest[1:] if rest.startswith(" ") else rest
        if kind == "expect":
            spec.stdout.append(text)
        elif kind == "expect-error":
            spec.error = text.strip()
        elif kind == "expect-error-line":
            spec.error_line = int(text)
        elif kind == "expect-stderr":
            spec.stderr.append(text.strip())
        elif kind == "args":
            spec.args += shlex.split(text)
        elif kind == "expect-exit":
            spec.exit = int(text)
        elif kind == "xfail":
            spec.xfail = text.strip()
    return spec


def check(path: pathlib.Path, spec: Spec, status: int, stdout: str, stderr: str):
    assert "Traceback" not in stderr and "InternalError" not in stderr, stderr
    assert stdout.split("\n")[:-1] == spec.stdout, f"stdout of {path.name}:\n{stdout}\nstderr:\n{stderr}"
    assert stdout == "" or stdout.endswith("\n")
    assert status == spec.status, f"exit status of {path.name}: {status}\nstderr:\n{stderr}"
    if spec.error:
        kind, _, message = spec.error.partition(":")
        first = stderr.split("\n")[0]
        assert first.startswith(kind + ": "), stderr
        assert message.strip() in first, stderr
        if spec.error_line is not None:
            assert re.search(rf"--> .*:{spec.error_line}:\d+", stderr), stderr
    elif not spec.stderr:
        assert stderr == "", stderr
    for text in spec.stderr:
        assert text in stderr, stderr


def _params():
    out = []
    for path in FILES:
        spec = parse_spec(path)
        marks = [pytest.mark.xfail(strict=True, reason=spec.xfail)] if spec.xfail else []
        out.append(pytest.param(path, spec, id=path.stem, marks=marks))
    return out


def test_there_are_goldens():
    assert len(FILES) >= 60
    for path in FILES:
        spec = parse_spec(path)
        assert spec.stdout or spec.error or spec.stderr, f"{path.name} expects nothing"


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(GOLDEN)           # diagnostics name the file as given: `name.g:LINE:COL`


@pytest.mark.filterwarnings("error")     # a warning that is not silenced fails the golden (§11)
@pytest.mark.parametrize("path, spec", _params())
def test_golden(path, spec):
    result = CliRunner().invoke(main, ["run", path.name, *spec.args], catch_exceptions=False)
    check(path, spec, result.exit_code, result.stdout, result.stderr)


# A few goldens through the real console script, in a fresh process.
SUBPROCESS = ["tutorial", "sgd_step", "wrt_jacobian", "error_name_hint", "error_limit_recursion",
              "comments_unicode", "warnings_never_shown"]


@pytest.mark.parametrize("name", SUBPROCESS)
def test_golden_subprocess(name):
    path = GOLDEN / f"{name}.g"
    spec = parse_spec(path)
    if spec.xfail:
        pytest.xfail(spec.xfail)
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run([sys.executable, "-m", "gradcli", "run", path.name, *spec.args],
                          capture_output=True, encoding="utf-8", env=env, cwd=GOLDEN, timeout=60)
    check(path, spec, proc.returncode, proc.stdout, proc.stderr)
