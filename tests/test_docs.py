"""The documentation's tester (tests/doc_console.py, run on README.md and docs/ through the root
conftest.py): how it reads a console block, and that a stale example fails."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.example import SybilFailure

sys.path.insert(0, os.path.dirname(__file__))
from doc_console import ROOT, ConsoleParser, matches, split_transcript  # noqa: E402


def test_a_command_continues_while_a_quote_is_open():
    block = ("$ gradcli run -e 'x = 1\ny = x'\nout 1\n$ echo a; echo b\na\nb\n")
    assert split_transcript(block) == [("gradcli run -e 'x = 1\ny = x'", ["out 1"]),
                                       ("echo a; echo b", ["a", "b"])]


def test_a_block_must_start_with_a_command():
    with pytest.raises(ValueError):
        split_transcript("output without a command\n$ echo\n")


def test_matching_ignores_trailing_blanks_and_ellipsis_matches_lines():
    assert matches(["a  ", "b", ""], ["a", "b"])
    assert not matches(["a", "b"], ["a", "c"])
    assert matches(["first", "...", "last"], ["first", "x", "y", "last"])
    assert matches(["first", "...", "last"], ["first", "last"])
    assert not matches(["first", "...", "last"], ["first", "x", "lost"])


def _examples(tmp_path: Path, text: str):
    (tmp_path / "page.md").write_text(text, encoding="utf-8")
    sybil = Sybil(parsers=[ConsoleParser()], path=str(tmp_path), patterns=["*.md"])
    return list(sybil.parse(tmp_path / "page.md"))


def test_a_stale_example_fails_and_a_true_one_passes(tmp_path):
    stale, true = _examples(tmp_path, (
        "```console\n$ gradcli run -e 'print(1 + 1)'\n3\n```\n\n"
        "```console\n$ gradcli run -e 'print(1 + 1)'\n2\n$ gradcli run -e 'nope'; echo $?\n"
        "NameError: name 'nope' is not defined\n  --> <-e>:1:1\n   |\n 1 | nope\n   | ^~~~\n1\n```\n"))
    with pytest.raises(SybilFailure, match="--- gradcli printed:\n2"):
        stale.evaluate()
    true.evaluate()


def test_gradcli_in_a_block_is_this_checkout(tmp_path):
    (example,) = _examples(tmp_path, "```console\n$ command -v gradcli; pwd\n...\n```\n")
    from doc_console import run_command
    out = run_command("command -v gradcli; pwd", tmp_path).splitlines()
    assert out[0].startswith(str(tmp_path)) and out[1] == str(ROOT)
    example.evaluate()


def test_other_languages_are_not_run(tmp_path):
    assert _examples(tmp_path, "```sh\n$ false\n```\n\n```text\n$ gradcli\n```\n") == []


# ----- what the docs name exists (issue 15, point 12) -----

def _user_files():
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), *sorted((ROOT / "samples").glob("*.g"))]


def test_no_user_facing_file_sends_users_to_a_file_outside_the_repository():
    for path in _user_files():
        text = path.read_text(encoding="utf-8").replace("docs/language.md", "")
        assert "LANGUAGE.md" not in text, f"{path.name} refers to LANGUAGE.md, which users do not have"


def test_every_option_of_run_is_in_the_options_table_of_the_guide():
    from gradcli.cli import main
    guide = (ROOT / "docs" / "language.md").read_text(encoding="utf-8")
    table = guide[guide.index("### 11.2 Options"):guide.index("### 11.3")]
    rows = {line.split("|")[1].strip().strip("`").split()[0] for line in table.splitlines()
            if line.startswith("| `-")}
    options = {opt for p in main.commands["run"].params for opt in p.opts
               if opt.startswith("--") and opt != "--help"}
    assert options - rows == set(), "options of `gradcli run` missing from docs/language.md §11.2"
    assert rows - options == set(), "rows of docs/language.md §11.2 that are no option of run"


def test_the_readme_check_example_checks_a_gradient_that_is_not_zero():
    """Issue 15, point 13: the README showed a --check of 0 against 0 (a later binding of x that
    nothing depended on). Every --check the README shows must check something."""
    import json
    import subprocess
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [line[2:] for line in readme.splitlines()
                if line.startswith("$ gradcli run") and "--check" in line]
    assert commands, "the README shows no --check"
    for command in commands:
        args = command.split()[1:] + ["--json"]
        proc = subprocess.run([sys.executable, "-m", "gradcli", *args], cwd=ROOT, capture_output=True,
                              encoding="utf-8", timeout=300)
        doc = json.loads(proc.stdout)
        assert doc["check"] and all(c["ok"] for c in doc["check"].values()), command
        import numpy as np
        assert doc["gradients"] and all(np.any(np.asarray(g, dtype=float) != 0)
                                        for g in doc["gradients"].values()), command


# ----- no path of one machine (issue 15, point 14) -----

def _tracked_files():
    import shutil
    import subprocess
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, encoding="utf-8").stdout
    return [ROOT / p for p in out.splitlines() if p]


def test_no_tracked_file_names_a_path_of_one_machine():
    import re
    # (written in pieces, so that this file does not match itself)
    machine_path = re.compile("/" + "work/|/home/[a-z]|/Users/[A-Za-z]|[A-Za-z]*venv" + "/bin/python")
    offenders = []
    for path in _tracked_files():
        if path.suffix not in (".py", ".md", ".g", ".toml", ".lark", ".txt", ".cfg", "") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        offenders += [f"{path.relative_to(ROOT)}: {m.group()}" for m in machine_path.finditer(text)]
    assert not offenders, offenders


def test_the_torch_interpreter_comes_from_the_environment(monkeypatch):
    sys.path.insert(0, str(ROOT / "bench"))
    import engine
    monkeypatch.setenv("GRADCLI_TORCH_PYTHON", "/nonexistent/python")
    path, note = engine.find_torch_python(None)
    assert path is None and "/nonexistent/python" in note
    path, note = engine.find_torch_python(sys.executable)        # the option wins
    assert "/nonexistent" not in (note or "")


def test_the_fish_completion_recipe_creates_its_folder(tmp_path):
    import subprocess
    page = (ROOT / "docs" / "repl.md").read_text(encoding="utf-8")
    block = page[page.index("# fish"):]
    recipe = block[:block.index("```")].strip().splitlines()[1:]
    home = tmp_path / "home"
    home.mkdir()
    from doc_console import _bin_dir
    env = {**os.environ, "HOME": str(home),
           "PATH": f"{_bin_dir(tmp_path)}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run(["bash", "-ec", "\n".join(recipe)], env=env, capture_output=True,
                          encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    script = home / ".config" / "fish" / "completions" / "gradcli.fish"
    assert "complete" in script.read_text(encoding="utf-8")
