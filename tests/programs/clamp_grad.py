import torch
x = torch.tensor([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], requires_grad=True)
y = torch.clamp(x, min=-1.0, max=1.0)
print(y)
(y * y).sum().backward()
print(x.grad)
x.grad = None
z = x.clamp(min=0.0)
print(z)
z.sum().backward()
print(x.grad)
x.grad = None
u = torch.clamp(x, max=0.5)
(u * 3).sum().backward()
print(x.grad)
