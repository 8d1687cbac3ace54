import torch
x = torch.linspace(-2.0, 2.0, 5)
x.requires_grad_()
print(x)
y = torch.sinh(x) + torch.cosh(x) * 0.5
print(y)
t = torch.tanh(x)
print(t)
(y + t).sum().backward()
print(x.grad)
