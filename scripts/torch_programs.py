"""Generate tests/fixtures/torch_programs.json: what real PyTorch prints for tests/programs/*.py.

Run with a Python that has torch (gradcli itself is neither needed nor imported):

    $GRADCLI_TORCH_PYTHON scripts/torch_programs.py            # all programs
    $GRADCLI_TORCH_PYTHON scripts/torch_programs.py NAME ...    # print these, write nothing

Each program is valid both as Python + PyTorch and as G. Here each one runs in a fresh namespace
with `torch.set_default_dtype(torch.float64)` set first (G is float64 throughout, and PyTorch then
prints its tensors without a `dtype=` suffix, as gradcli does), grad mode on, stdout captured.
The fixture is {name: {"printed": [lines]}}; tests/test_torch_programs.py runs the same files
through gradcli and compares the lines.

One normalization is applied to PyTorch's text: a grad_fn object prints in PyTorch as
`<AddBackward0 object at 0x7f...>`, whose address changes from run to run; LANGUAGE.md §8 has G
print it as `<AddBackward0>`, so ` object at 0x...` is removed.
"""
from __future__ import annotations

import contextlib
import io
import json
import pathlib
import re
import sys

import torch

ROOT = pathlib.Path(__file__).resolve().parent.parent
PROGRAMS = ROOT / "tests" / "programs"
OUT = ROOT / "tests" / "fixtures" / "torch_programs.json"

_NODE_ADDRESS = re.compile(r"<(\w+) object at 0x[0-9a-fA-F]+>")


def run_program(path: pathlib.Path) -> list[str]:
    """The lines `path` prints under PyTorch (float64 by default, grad mode on)."""
    torch.set_default_dtype(torch.float64)
    torch.set_grad_enabled(True)
    source = path.read_text(encoding="utf-8")
    code = compile(source, str(path), "exec")
    buf = io.StringIO()
    namespace = {"__name__": "__torch_program__"}
    with contextlib.redirect_stdout(buf):
        exec(code, namespace)  # noqa: S102 (our own test programs)
    text = _NODE_ADDRESS.sub(r"<\1>", buf.getvalue())
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def main(argv: list[str]) -> int:
    paths = sorted(PROGRAMS.glob("*.py"))
    if argv:
        wanted = {a.removesuffix(".py") for a in argv}
        for p in paths:
            if p.stem in wanted:
                print(f"== {p.stem}")
                print("\n".join(run_program(p)))
        return 0
    fixture = {}
    for p in paths:
        fixture[p.stem] = {"printed": run_program(p)}
    OUT.write_text(json.dumps(fixture, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {len(fixture)} programs to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
