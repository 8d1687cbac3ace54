"""Sybil collects the documentation's examples: every ```console block of README.md and docs/*.md
is run and compared with what it shows (tests/doc_console.py says how; issue 15)."""
import os
import sys

from sybil import Sybil

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "tests"))
from doc_console import ConsoleParser  # noqa: E402

pytest_collect_file = Sybil(
    parsers=[ConsoleParser()],
    patterns=["README.md", "docs/*.md"],
).pytest()
