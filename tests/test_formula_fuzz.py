"""The --formula fuzzer (scripts/formula_fuzz.py): random G programs run as the graders run them,
`gradcli run FILE --wrt x --formula --json`, each `expr` read back with sympify and compared with
the numeric gradient at the run's point.

By default only the generator is checked (its programs parse, and are the same for a seed); the
fuzzing itself is slow (about 2 s a program, in subprocesses): `python -m pytest --slow
tests/test_formula_fuzz.py` runs 150 programs, `python scripts/formula_fuzz.py --seconds N` more.
"""
from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import formula_fuzz  # noqa: E402

from gradcli.lang.parse import parse  # noqa: E402


def test_generated_programs_parse_and_are_reproducible():
    for k in range(300):
        source, args, free = formula_fuzz.Gen(random.Random(f"t:{k}")).program()
        assert formula_fuzz.Gen(random.Random(f"t:{k}")).program() == (source, args, free)
        parse(source, "<fuzz>")
        assert "y = " in source and (not free or "x = " not in source)


@pytest.mark.slow
def test_formula_fuzz(tmp_path):
    counts, found = formula_fuzz.fuzz(150, 3600, "pytest", tmp_path, log=lambda m: None)
    assert not found, "\n\n".join(f"{o}\n{src}{args}\n{detail}" for o, src, args, detail in found[:5])
    assert counts["ok"] + counts["slow"] >= 0.6 * sum(counts.values()), counts
