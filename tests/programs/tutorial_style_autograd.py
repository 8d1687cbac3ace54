"""
A one-layer network in the style of PyTorch's autograd tutorials
=================================================================

The input ``x``, the parameters ``w`` and ``b``, and a loss from
``torch.nn.functional``; the gradient functions printed with f-strings.
"""
# -*- coding: utf-8 -*-
import torch

torch.manual_seed(7)
x = torch.ones(4)  # input
y = torch.tensor([0.0, 1.0])  # expected output
w = torch.randn(4, 2, requires_grad=True)
b = torch.randn(2, requires_grad=True)
z = torch.matmul(x, w) + b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)

print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
print(f"loss = {loss}, as a tensor: {loss!r}")

loss.backward()
print(w.grad)
print(b.grad)

z = torch.matmul(x, w) + b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w) + b
print(z.requires_grad)
z_det = (torch.matmul(x, w) + b).detach()
print(f"detached: {z_det.requires_grad}")

m = torch.eye(3, 4, requires_grad=True)
out = (m + 2).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"After one call\n{m.grad}")
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nAfter two calls\n{m.grad}")
m.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nAfter zeroing the gradients\n{m.grad}")
