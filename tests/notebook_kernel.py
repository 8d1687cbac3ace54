"""A real Jupyter kernel for the notebook tests and scripts/tutorial_notebook.py.

The kernel spec names this interpreter (`sys.executable`) and puts this checkout first on
PYTHONPATH, so the kernel imports the gradcli under test, not another install. It lives in a
temporary JUPYTER_PATH folder and is found by nbclient like any installed kernel.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KERNEL = "gradcli-test"
TIMEOUT = 300           # seconds per cell: a loaded machine starts kernels slowly


def write_kernel_spec(base: Path) -> None:
    """The kernel spec, in JUPYTER_PATH folder `base`."""
    spec = base / "kernels" / KERNEL
    spec.mkdir(parents=True)
    path = os.pathsep.join([str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "gradcli under test", "language": "python",
        "env": {"PYTHONPATH": path, "NO_COLOR": "1"},
    }))


def execute(nb, cwd=None):
    """Run every cell of notebook `nb` (nbformat) in a fresh kernel; returns it with outputs."""
    from nbclient import NotebookClient
    old = os.environ.get("JUPYTER_PATH")
    with tempfile.TemporaryDirectory(prefix="gradcli-jupyter-") as base:
        write_kernel_spec(Path(base))
        os.environ["JUPYTER_PATH"] = base + (os.pathsep + old if old else "")
        try:
            client = NotebookClient(nb, kernel_name=KERNEL, timeout=TIMEOUT, startup_timeout=TIMEOUT,
                                    coalesce_streams=True,     # one stdout output per cell
                                    resources={"metadata": {"path": str(cwd or ROOT)}})
            client.execute()
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old
    return nb
