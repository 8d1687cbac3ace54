import torch
base = torch.tensor([1.5, 2.0, 3.0], requires_grad=True)
ex = torch.tensor([2.0, 0.5, -1.0], requires_grad=True)
y = torch.pow(base, ex)
print(y)
y.sum().backward()
print(base.grad)
print(ex.grad)
z = base ** 3
print(z)
w = 2.0 ** base
print(w)
