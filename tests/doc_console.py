"""The documentation is tested (issue 15, "docs that cannot go stale"): every ```console block of
README.md and docs/*.md is run by Sybil and its output compared with what the block shows.

A console block is a shell transcript: a line starting with `$ ` is a command (it continues on the
next lines while a quote is still open, as in bash), and the lines up to the next `$ ` are what it
prints — stdout and stderr together, in order, as a terminal shows them. A line holding only `...`
matches any number of lines (for long outputs that a page only excerpts). Commands run in bash
from the repository root, with `gradcli` being this checkout's code run by the test interpreter,
`NO_COLOR=1`, and a fresh `$HOME` (the REPL's history is not the user's).
"""
from __future__ import annotations

import os
import re
import shlex
import stat
import subprocess
import sys
from pathlib import Path

from sybil.parsers.markdown import CodeBlockParser

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 180                      # seconds per command: the machine may be loaded


def split_transcript(text: str) -> list[tuple[str, list[str]]]:
    """[(command, expected output lines)] of a console block. A `$ ` line starts a command; it goes
    on over the next lines while shlex finds a quote still open."""
    steps: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.startswith("$ "):
            if steps:
                steps[-1][1].append(line)
            elif line.strip():
                raise ValueError(f"console block does not start with a `$ ` command: {line!r}")
            i += 1
            continue
        command = line[2:]
        i += 1
        while not _complete(command) and i < len(lines):
            command += "\n" + lines[i]
            i += 1
        steps.append((command, []))
    return steps


def _complete(command: str) -> bool:
    try:
        shlex.split(command)
    except ValueError:                  # "No closing quotation"
        return False
    return True


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line, trailing blanks ignored; a `...` line matches any run of lines."""
    expected = [line.rstrip() for line in expected]
    actual = [line.rstrip() for line in actual]
    while expected and not expected[-1]:
        expected.pop()
    while actual and not actual[-1]:
        actual.pop()
    if "..." not in expected:
        return expected == actual
    pattern = "".join(r"(?:.*\n)*?" if line == "..." else re.escape(line) + r"\n" for line in expected)
    return re.fullmatch(pattern, "".join(line + "\n" for line in actual)) is not None


def _bin_dir(tmp: Path) -> Path:
    """A folder whose `gradcli` runs this checkout with the interpreter running the tests (so an
    installed gradcli elsewhere on PATH is never what is tested)."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "gradcli"
    # As the console script: named `gradcli` (click's usage lines and completion variable use the
    # program's name), entering at gradcli.cli:entry.
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c \'import sys; sys.argv[0] = "gradcli"; '
                      f'from gradcli.cli import entry; entry()\' "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return bin_dir


def run_command(command: str, tmp: Path) -> str:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORCE_COLOR", "COLUMNS", "LINES") and not k.startswith("GRADCLI_")}
    home = tmp / "home"
    home.mkdir(exist_ok=True)
    env.update(NO_COLOR="1", TERM="dumb", HOME=str(home), PYTHONIOENCODING="utf-8",
               PATH=f"{_bin_dir(tmp)}{os.pathsep}{env.get('PATH', '')}",
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")])))
    env.pop("XDG_STATE_HOME", None)
    proc = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=TIMEOUT)
    return proc.stdout.decode("utf-8", "replace")


class ConsoleParser(CodeBlockParser):
    """```console blocks: run each `$ ` command and compare what it prints with the block."""
    language = "console"

    def __init__(self):
        super().__init__(language="console")

    def evaluate(self, example):
        import tempfile
        with tempfile.TemporaryDirectory(prefix="gradcli-doc-") as tmp:
            failures = []
            for command, expected in split_transcript(example.parsed):
                actual = run_command(command, Path(tmp)).splitlines()
                if not matches(expected, actual):
                    failures.append(f"$ {command}\n--- the docs show:\n" + "\n".join(expected)
                                    + "\n--- gradcli printed:\n" + "\n".join(actual))
            if failures:
                return "\n\n".join(failures)
        return None
