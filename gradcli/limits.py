"""Process-wide limits for a gradcli run (LANGUAGE.md §11): memory as an address-space cap.

`--max-memory` bounds all values alive at once. Single tensors are checked before they are
allocated (`autograd.functions.check_alloc`); everything else — results of ops, the saved graph,
Python objects, strings — is bounded by capping the process's address space at what it uses
after start-up plus the limit, so an allocation past it fails with MemoryError, which the runtime
reports as a LimitError. Only the real command-line process does this (`enabled`): a library
user's or a test runner's process is never capped.
"""
from __future__ import annotations

import os
import signal

_PAGE = 4096
enabled = False
HEADROOM = 512 << 20      # for temporaries of one op, thread stacks, the renderer
running = False           # a script is executing (set by Session._execute): the watchdog may stop it
_ceiling: int | None = None


def _vm_size() -> int | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def apply_memory_limit(max_bytes: int) -> None:
    if not enabled:
        return
    try:
        import resource
    except ImportError:            # not on this platform: single allocations are still checked
        return
    _warm_blas()
    base = _vm_size()
    if base is None:
        return
    want = base + max_bytes + HEADROOM
    _start_watchdog(base + max_bytes)
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        pass


def _warm_blas() -> None:
    """Keep OpenBLAS from ending the process near the cap. When one of its own allocations fails
    (a matrix product run next to the cap: `x @ x` for a large x, after numpy has allocated the
    result) it prints "OpenBLAS: malloc failed" and exits with status 1 — no report, no JSON.
    Its threaded driver allocates on every call; the single-threaded one only uses the work
    buffer, allocated once on the first product big enough (101³ is just past the small-matrix
    path) and reused. So, in the capped process only: one thread, and the buffer taken now."""
    try:
        import ctypes

        import numpy as np
        with open("/proc/self/maps") as fh:
            libs = {line.split()[-1] for line in fh if "openblas" in line.rsplit("/", 1)[-1].lower()}
        for path in libs:
            lib = ctypes.CDLL(path)
            for name in ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads",
                         "openblas_set_num_threads64_", "openblas_set_num_threads"):
                if hasattr(lib, name):
                    getattr(lib, name)(1)
                    break
        a = np.ones((101, 101))
        a @ a
    except Exception:  # noqa: BLE001 — best effort: without it the cap still holds
        pass


def _vm_bytes() -> int:
    fd = os.open("/proc/self/statm", os.O_RDONLY)
    try:
        return int(os.read(fd, 64).split()[0]) * _PAGE
    finally:
        os.close(fd)


def _on_tick(signum, frame):
    if running and _ceiling is not None and _vm_bytes() > _ceiling:
        raise MemoryError()


def _start_watchdog(ceiling: int) -> None:
    """Near an address-space cap, malloc does not fail at once: once brk and new arenas are
    refused it maps small objects a page at a time, and a script growing a graph of scalar ops
    crawls for minutes. So the process size is also sampled every 50 ms of CPU time, and passing
    the limit raises MemoryError in the running script (a LimitError), well before the cap."""
    global _ceiling, _PAGE
    if not hasattr(signal, "setitimer"):
        return
    try:
        _PAGE = os.sysconf("SC_PAGE_SIZE")
        _vm_bytes()
        signal.signal(signal.SIGPROF, _on_tick)
        signal.setitimer(signal.ITIMER_PROF, 0.05, 0.05)
    except (OSError, ValueError):      # no /proc, or not the main thread: the cap still holds
        return
    _ceiling = ceiling
    import atexit
    atexit.register(_stop_watchdog)    # a tick after Python restores SIGPROF's default would kill it


def _stop_watchdog() -> None:
    global _ceiling
    _ceiling = None
    try:
        signal.setitimer(signal.ITIMER_PROF, 0)
    except (OSError, ValueError):
        pass


def lift_memory_limit() -> None:
    """The run is over: give the process its address space back, so reporting cannot fail."""
    if not enabled:
        return
    _stop_watchdog()
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
