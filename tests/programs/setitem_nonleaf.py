import torch
x = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
y = x * 2
y[0, 1] = 10.0
print(y)
y.sum().backward()
print(x.grad)
v = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
z = v * 1.0
z[1] = v[0] * 5
print(z)
(z * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
print(v.grad)
