# -*- coding: utf-8 -*-
"""A module docstring, as PyTorch's tutorials begin.

A string alone as a statement does nothing (§2): it prints nothing and is not the output.
"""
import torch


def square(x):
    """The square of x.

    A function's docstring is a statement that does nothing either."""
    return x * x


def cube(x):
    'one line'
    y = square(x)
    """a string in the middle of a body"""
    return y * x


x = torch.tensor(2.0, requires_grad=True)
out = cube(x) + square(x)
"""A trailing string: --wrt still reports d out / dx, not a string."""
print(out)                     # expect: tensor(12., grad_fn=<AddBackward0>)
# args: --wrt x
# expect: out = tensor(12., grad_fn=<AddBackward0>)
# expect: dout/dx = tensor(16.)
