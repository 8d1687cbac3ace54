"""`--dot FILE.svg` / `FILE.png`: the graph as a picture, drawn by Graphviz's `dot` (LANGUAGE.md §13)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = str(ROOT / "samples" / "tutorial.g")
HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(not HAVE_DOT, reason="Graphviz's dot is not installed")


def gradcli(*args, path=None):
    """`gradcli ARGS` as a user runs it; `path` replaces PATH (to hide or fake Graphviz)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_COLOR="1")
    if path is not None:
        env["PATH"] = str(path)
    return subprocess.run([sys.executable, "-m", "gradcli", *args], capture_output=True, text=True,
                          env=env, timeout=120)


@needs_dot
def test_dot_svg_writes_the_picture(tmp_path):
    out = tmp_path / "graph.svg"
    r = gradcli("run", TUTORIAL, "--seed", "0", "--of", "out", "--dot", str(out))
    assert r.returncode == 0, r.stderr
    svg = out.read_text(encoding="utf-8")
    assert "<svg" in svg and "</svg>" in svg
    assert "MeanBackward0" in svg and "MulBackward0" in svg


@needs_dot
def test_dot_png_writes_the_picture_whatever_the_case_of_the_suffix(tmp_path):
    out = tmp_path / "graph.PNG"
    r = gradcli("run", "-e", "x = tensor(2.0, requires_grad=True)\ny = x * sin(x)", "--dot", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_picture_without_graphviz_is_a_usage_error_before_the_run(tmp_path):
    no_dot = tmp_path / "bin"
    no_dot.mkdir()
    out = tmp_path / "graph.svg"
    r = gradcli("run", "-e", "print('ran')\nx = tensor(2.0, requires_grad=True)\nx * 2",
                "--dot", str(out), path=no_dot)
    assert r.returncode == 2
    assert "`dot`" in r.stderr and "Graphviz" in r.stderr and "--dot FILE.dot" in r.stderr
    assert "Traceback" not in r.stderr
    assert r.stdout == "" and not out.exists()          # the script never ran


def test_dot_text_needs_no_graphviz(tmp_path):
    no_dot = tmp_path / "bin"
    no_dot.mkdir()
    out = tmp_path / "graph.gv"
    r = gradcli("run", "-e", "x = tensor(2.0, requires_grad=True)\nx * 2", "--dot", str(out), path=no_dot)
    assert r.returncode == 0, r.stderr
    assert out.read_text(encoding="utf-8").startswith("digraph gradcli {")


def test_a_failing_dot_is_reported_as_a_g_error(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    dot = fake / "dot"
    dot.write_text("#!/bin/sh\necho 'Error: <stdin>: syntax error in line 1' >&2\nexit 3\n")
    dot.chmod(0o755)
    out = tmp_path / "graph.svg"
    r = gradcli("run", "-e", "x = tensor(2.0, requires_grad=True)\nx * 2", "--dot", str(out),
                path=f"{fake}:/usr/bin:/bin")
    assert r.returncode == 1
    assert "Graphviz's `dot` failed: Error: <stdin>: syntax error in line 1" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


def test_picture_formats():
    from gradcli.render.graphviz import picture_format
    assert picture_format("a/b.svg") == "svg" and picture_format("B.Png") == "png"
    assert picture_format("g.dot") is None and picture_format("svg") is None
