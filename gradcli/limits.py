"""Process-wide limits for a gradcli run (LANGUAGE.md §11): memory as an address-space cap.

`--max-memory` bounds all values alive at once. Single tensors are checked before they are
allocated (`autograd.functions.check_alloc`); everything else — results of ops, the saved graph,
Python objects, strings — is bounded by capping the process's address space at what it uses
after start-up plus the limit, so an allocation past it fails with MemoryError, which the runtime
reports as a LimitError. Only the real command-line process does this (`enabled`): a library
user's or a test runner's process is never capped.
"""
from __future__ import annotations

enabled = False
HEADROOM = 512 << 20      # for temporaries of one op, thread stacks, the renderer


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
    base = _vm_size()
    if base is None:
        return
    want = base + max_bytes + HEADROOM
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft == resource.RLIM_INFINITY or want < soft:
            resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):
        pass


def lift_memory_limit() -> None:
    """The run is over: give the process its address space back, so reporting cannot fail."""
    if not enabled:
        return
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    except (ImportError, ValueError, OSError):
        pass
