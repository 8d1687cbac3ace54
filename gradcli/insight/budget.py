"""Running SymPy under a time budget, on a stack deep enough for deep expressions.

SymPy's algorithms recurse over an expression's depth, and a formula from a loop nests as deep as
the loop ran: they run in a worker thread with a large stack (the recursion limit is raised to
match), so a deep formula is slow, never a crashed interpreter. Past the budget the worker is
stopped with an asynchronous exception (CPython's PyThreadState_SetAsyncExc: SymPy is Python
code, so it stops at its next bytecode) and the caller falls back (LANGUAGE.md §12: "past that,
the correct but unsimplified formula is shown").
"""
from __future__ import annotations

import ctypes
import sys
import threading

STACK_BYTES = 512 << 20
RECURSION = 200_000


class OutOfTime(BaseException):
    """The budget ran out (raised in the worker, then in the caller). Not an Exception: SymPy
    catches those in places (`except Exception`), and would carry on past the budget."""


def run(fn, seconds):
    """fn() in a worker thread; its result, or OutOfTime after `seconds` (None: no limit).
    An exception of fn is raised here."""
    box = {}

    def work():
        try:
            box["value"] = fn()
        except BaseException as exc:   # noqa: BLE001 — handed to the caller's thread
            box["error"] = exc

    old_stack = threading.stack_size()
    old_limit = sys.getrecursionlimit()
    try:
        threading.stack_size(STACK_BYTES)
    except (ValueError, RuntimeError):       # a platform without settable stacks: as it is
        pass
    sys.setrecursionlimit(max(old_limit, RECURSION))
    try:
        worker = threading.Thread(target=work, name="gradcli-formula", daemon=True)
        worker.start()
    finally:
        threading.stack_size(old_stack)
    try:
        worker.join(seconds)
        if worker.is_alive():
            _stop(worker)
            raise OutOfTime()
    except BaseException:                    # Ctrl-C while waiting: stop the worker too
        if worker.is_alive():
            _stop(worker)
        raise
    finally:
        sys.setrecursionlimit(old_limit)
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _stop(worker):
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(worker.ident), ctypes.py_object(OutOfTime))
    worker.join(5.0)
