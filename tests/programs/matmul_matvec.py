import torch
A = torch.tensor([[1.0, 2.0, 0.0], [-1.0, 0.5, 3.0]], requires_grad=True)
v = torch.tensor([2.0, -1.0, 0.5], requires_grad=True)
y = A @ v
print(y)
y.sum().backward()
print(A.grad)
print(v.grad)
d = torch.dot(v, v)
print(d)
