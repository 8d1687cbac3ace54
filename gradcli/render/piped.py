"""Piped mode's output, like `bc`'s: one line per expression statement — the value and its
gradients separated by tabs — or, with --json, one JSON document per line (per value, per line
printed, per error)."""
from __future__ import annotations

from .jsondoc import dumps, error_object


def one_line(text: str) -> str:
    """A multi-line repr on one line (`tensor([[1., 2.], [3., 4.]])`), for `bc`-style output."""
    if "\n" not in text:
        return text
    return " ".join(part.strip() for part in text.split("\n") if part.strip())


def value_line(value_text, grad_texts: dict, formula_lines=()) -> str:
    """The line of a value: its text (None: no numbers to show, a formula's free symbol),
    `d/dNAME = …` per gradient, then the formulas' head lines."""
    fields = [] if value_text is None else [one_line(value_text)] + [
        f"d/d{k} = {one_line(g)}" for k, g in grad_texts.items()]
    fields += [line for line in formula_lines if not line.startswith("  ")]
    return "\t".join(fields)


def value_document(entry: str, value, gradients=None, formula=None) -> str:
    """--json: a value (JSON-ready), with the gradients (for --wrt) and formulas (for --formula)."""
    doc = {"ok": True, "input": entry, "value": value}
    if gradients is not None:
        doc["gradients"] = gradients
    if formula is not None:
        doc["formula"] = formula
    return dumps(doc)


def printed_document(entry: str, line: str) -> str:
    """--json: one line a script printed, as `run --json` gives one string per line."""
    return dumps({"ok": True, "input": entry, "printed": line})


def error_document(entry: str, err) -> str:
    """--json: an entry's error."""
    return dumps({"ok": False, "input": entry, "error": error_object(err)})
