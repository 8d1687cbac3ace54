"""The autograd engine: tensors, the ops table, backward and grad. Knows nothing of the language."""
from . import ops  # noqa: F401  (import first: functions builds on the table)
from .engine import backward, grad
from .functions import *  # noqa: F401,F403
from .tensor import Node, Tensor, enable_grad, is_grad_enabled, mode, no_grad

__all__ = ["Tensor", "Node", "backward", "grad", "grad_of", "jacobian", "hessian", "no_grad",
           "enable_grad", "is_grad_enabled", "mode", "ops"]


def __getattr__(name):
    """jacobian, hessian and grad_of (functional.py), imported on first use."""
    if name in ("jacobian", "hessian", "grad_of"):
        from . import functional    # here, for start-up time: a script rarely asks for them
        return getattr(functional, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
