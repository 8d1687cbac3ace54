"""Process-wide limits of a gradcli run (LANGUAGE.md §11): memory, by accounting and a watchdog.

`--max-memory` bounds all values alive at once. It costs nothing when a script stays within it,
and it leaves the process alone: no address-space cap (under one, any library's allocation may
fail — OpenBLAS's threads end the process when theirs does), and BLAS keeps its threads.

- Accounting at allocation: an op about to make a tensor (or a string, or a list) of `nbytes`
  calls `reserve(nbytes)` first. One larger than the limit is refused up front; a large one
  (`BIG` and over) is also weighed against what the process holds now — its resident size above
  the baseline taken when the run started — and refused before it is allocated if it would not fit.
- A watchdog for everything else (graph nodes, saved values, small tensors, Python objects): the
  resident size is sampled every 20 ms of CPU time (SIGPROF), and past the limit the running
  script gets a MemoryError, which the runtime reports as a LimitError at the running statement.

The single-allocation check always applies (the engine used as a library too); the resident-size
part only in the real command-line process (`enabled`), where the baseline means something.
"""
from __future__ import annotations

import os
import _signal as signal    # signal.py only wraps these numbers in enums: 0.6% of a cold start

from .errors import LimitError

max_bytes = 4 << 30       # all values alive at once (--max-memory); set by the Session
enabled = False           # the real command-line process: weigh against the resident size
running = False           # a script is executing (set by Session._execute): the watchdog may stop it
BIG = 1 << 20             # allocations from this size on are weighed against the resident size
BIG_ELEMS = BIG // 8
TICK = 0.02               # seconds of CPU time between two samples of the resident size
_PAGE = 4096
_base: int | None = None  # resident bytes when the run started (None: not weighing)


_HUGE = 10**15


def fmt_int(n) -> str:
    """An integer for a message: as is, or past 10^15 (`x[1e300]` is an integer of 301 digits)
    its first digits and exponent, -1.00e+300."""
    if -_HUGE < n < _HUGE:
        return str(n)
    digits = str(abs(n))
    return f"{'-' if n < 0 else ''}{digits[0]}.{digits[1:3]}e+{len(digits) - 1}"


def count_text(n) -> str:
    """1,000,000 — or, past 10^15 (a shape like ones(1e300, 1e300) is an integer of 600 digits,
    too large even for a float), its first digits and exponent: 1.00e+600."""
    return f"{n:,}" if n < _HUGE else fmt_int(n)


def size_text(n) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            if n >= _HUGE:
                return f"{count_text(int(n))} {unit}"
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n = n // 1024 if n >= _HUGE else n / 1024      # a huge int divided as a float overflows


def reserve(nbytes: int, what: str = "value", count: str = "") -> None:
    """Refuse, before it is allocated, a value of `nbytes` that would not fit in the limit: alone,
    or (a large one, in the command-line process) next to what the run holds already."""
    if nbytes > max_bytes:
        raise LimitError(f"a {what}{count} needs {size_text(nbytes)}, more than the memory limit "
                         f"of {size_text(max_bytes)}; raise it with --max-memory SIZE")
    if nbytes >= BIG and _base is not None:
        held = resident() - _base
        if held + nbytes > max_bytes:
            raise LimitError(f"out of memory: a {what} of {size_text(nbytes)} does not fit next to "
                             f"the {size_text(max(held, 0))} the run holds, in the memory limit of "
                             f"{size_text(max_bytes)}; raise it with --max-memory SIZE")


def check_elements(nelements: int, what: str = "tensor") -> None:
    """`reserve` for a float64 tensor of `nelements` elements."""
    reserve(nelements * 8, what, f" of {count_text(nelements)} elements")


def after_alloc(nbytes: int) -> None:
    """An op has made a large value whose size it could not tell in advance: stop the run now if
    the process is past the limit (rather than at the watchdog's next sample)."""
    if _base is not None and nbytes >= BIG and resident() - _base > max_bytes:
        raise MemoryError()


def resident() -> int:
    """The process's resident size in bytes (0 where /proc is missing)."""
    try:
        fd = os.open("/proc/self/statm", os.O_RDONLY)
    except OSError:
        return 0
    try:
        return int(os.read(fd, 64).split()[1]) * _PAGE
    finally:
        os.close(fd)


def apply_memory_limit(limit: int) -> None:
    """Start weighing allocations against the resident size, and the watchdog (the command-line
    process only). The baseline is what start-up holds: the interpreter, numpy, gradcli."""
    global _base, _PAGE, max_bytes
    max_bytes = limit
    if not enabled:
        return
    try:
        _PAGE = os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        pass
    base = resident()
    if base <= 0:
        return                         # no /proc: single allocations are still checked
    _base = base
    _start_watchdog()


def _on_tick(signum, frame):
    if running and _base is not None and resident() - _base > max_bytes:
        raise MemoryError()


def _start_watchdog() -> None:
    """Sample the resident size every TICK of CPU time. CPU time, not wall time: memory grows only
    while the process computes, and an idle REPL costs nothing. The handler runs in the main
    thread between two bytecodes; a MemoryError raised there ends the running script."""
    if not hasattr(signal, "setitimer"):
        return
    try:
        signal.signal(signal.SIGPROF, _on_tick)
        signal.setitimer(signal.ITIMER_PROF, TICK, TICK)
    except (OSError, ValueError):      # not the main thread: allocations are still weighed
        return
    import atexit
    atexit.register(_stop_watchdog)    # a tick after Python restores SIGPROF's default would kill it


def _stop_watchdog() -> None:
    # Disarmed, and a tick already on its way is ignored: at exit Python puts SIGPROF's default
    # action back (which ends the process), and a slow process (under valgrind) got one then.
    try:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, signal.SIG_IGN)
    except (OSError, ValueError, AttributeError):
        pass


def lift_memory_limit() -> None:
    """The run is over: stop weighing and sampling, so that reporting it cannot fail."""
    global _base
    if not enabled:
        return
    _stop_watchdog()
    _base = None
