import torch
x = torch.tensor([-2.0, -1.0, 0.5, 1.0, 3.0], requires_grad=True)
mask = x > 0
print(mask)
y = torch.where(mask, x * x, -x)
print(y)
y.sum().backward()
print(x.grad)
z = torch.where(x < 1.0, torch.zeros(5), x)
print(z)
