"""The JSON documents of `gradcli run --json` (the text report is `values.text_report`).

Imported only with --json: json and this module stay off the start path of a plain run."""
from __future__ import annotations

import numpy as np

from .jsondoc import dumps, error_object, to_json_value


def run_document(session, output, grads, check=None, formula=None, sections=None) -> str:
    """The JSON document of `run --json` (LANGUAGE.md §10, §12); `sections`: --graph and
    --explain as lists of text lines, under their names."""
    free = formula is not None and formula.free      # values unknown: null (§12)
    doc = {
        "ok": True,
        "output": None if output is None else {
            "name": output.name, "value": None if free else to_json_value(output.value.data),
            "shape": list(output.value.data.shape)},
        "gradients": {k: None if free else to_json_value(g.data) for k, g in grads.items()},
        "variables": {k: _variable(v, free) for k, v in session.variables().items()},
        "printed": list(session.printed),
    }
    if check is not None:
        doc["check"] = check
    doc.update(sections or {})
    if formula is not None and formula.models is not None:
        from .formula import json_formulas  # here, for start-up time: --formula only
        doc["formula"] = json_formulas(formula.models)
    return dumps(doc)


def _variable(t, free=False):
    unknown = free and t.requires_grad and bool(np.any(np.isnan(t.data)))
    return {"value": None if unknown else to_json_value(t.data), "shape": list(t.data.shape),
            "requires_grad": bool(t.requires_grad),
            "grad": None if t.grad is None else to_json_value(t.grad.data),
            "grad_fn": None if t.grad_fn is None else t.grad_fn.op.node_name}


def error_document(err) -> str:
    return dumps({"ok": False, "error": error_object(err)})
