"""gradcli: PyTorch-style autograd for small Python-like scripts, in the shell.

Library use:
    from gradcli import Session, run_source
    s = run_source("x = 3; y = x**2", wrt=["x"])
"""
__version__ = "0.1.0"


def run_source(source, wrt=(), of=None, filename="<input>"):
    """Run G source in a new Session and return it (its globals, output, gradients())."""
    from .lang.runtime import Options, Session
    s = Session(Options(wrt=tuple(wrt), of=of))
    s.run(source, filename)
    return s


def __getattr__(name):
    if name == "Session":
        from .lang.runtime import Session
        return Session
    raise AttributeError(name)
