import torch
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = torch.tensor([0.5, -1.0], requires_grad=True)
o = a.unsqueeze(1) * b.unsqueeze(0)
print(o)
o2 = torch.outer(a, b)
print(torch.outer(a, b).sum())
(o * o2).sum().backward()
print(a.grad, b.grad)
