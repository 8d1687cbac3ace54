import torch
x = torch.tensor([7.0, 3.0, 10.0, 0.1, 0.3], requires_grad=True)
y = 3.0 / x
print(y)
print(y.tolist())
y.sum().backward()
print(x.grad)
print(x.grad.tolist())
z = 1 / (1 + torch.exp(-x))
print(z)
h = 1.0 / x.sum()
print(h, h.item())
print(2 / torch.tensor([4.0, 0.0, -0.0]))
