import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
b = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
c = torch.tensor([[10.0], [20.0]], requires_grad=True)
y = x * b + c
print(y)
y.sum().backward()
print(x.grad)
print(b.grad)
print(c.grad)
s = torch.tensor(3.0, requires_grad=True)
z = (x - s) ** 2
z.mean().backward()
print(s.grad)
