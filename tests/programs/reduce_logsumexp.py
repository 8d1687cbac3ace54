import torch
x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.0, 10.0]], requires_grad=True)
a = torch.logsumexp(x, dim=1)
print(a)
b = x.logsumexp(dim=0, keepdim=True)
print(b)
(a.sum() + b.sum()).backward()
print(x.grad)
