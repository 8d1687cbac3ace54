import torch
x = torch.tensor([[1.0, 2.0, 4.0], [3.0, -1.0, 0.0]], requires_grad=True)
mu = x.mean(dim=1, keepdim=True)
sd = x.std(dim=1, keepdim=True)
z = (x - mu) / sd
print(z)
(z * torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])).sum().backward()
print(x.grad)
n = x / x.norm(dim=1, keepdim=True)
print(n)
print(x.norm(dim=0))
