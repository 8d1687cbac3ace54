"""No Python or NumPy warning ever reaches a user (LANGUAGE.md §5, §11).

Arithmetic is IEEE: `1/0` is inf, `log(0)` is -inf, `ones(0).mean()` is nan, and none of them
warns. Rather than guard each numpy call that may warn — floating-point errors (divide, overflow,
invalid, underflow) and the `warnings.warn` of reductions (`Mean of empty slice`, `Degrees of
freedom <= 0`) — everything gradcli runs for a user goes through `quiet()`: the command line
enters it for a whole command (a run and its report, piped mode, the REPL), and a Session for
every program it runs, for `--set` and for the gradients (so a host such as a notebook is covered
too, whatever its numpy error state). It holds even when the user's Python turns warnings into
errors (`python -W error`, `PYTHONWARNINGS`).
"""
from __future__ import annotations

import contextlib
import sys
import warnings


@contextlib.contextmanager
def quiet():
    """Inside: no warning is shown or raised, and numpy's floating-point errors are ignored.

    numpy is not imported here (`gradcli --help` must not pay for it): when it is not loaded yet,
    the engine turns its floating-point errors off as it loads it (autograd/tensor.py)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        np = sys.modules.get("numpy")
        if np is None:
            yield
            return
        with np.errstate(all="ignore"):
            yield
