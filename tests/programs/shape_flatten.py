import torch
x = torch.tensor([[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [7.0, 8.0]]], requires_grad=True)
print(x)
f = x.flatten()
print(f)
g = torch.flatten(x)
(f * torch.linspace(0.0, 0.7, 8)).sum().backward()
print(x.grad)
print(g.sum())
