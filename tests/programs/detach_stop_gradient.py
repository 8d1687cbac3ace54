import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
z = y.detach()
print(z, z.requires_grad)
w = (y * z).sum()
w.backward()
print(x.grad)
d = x.data
print(d)
u = x.detach().requires_grad_()
print(u, u.is_leaf)
v = (u ** 3).sum()
v.backward()
print(u.grad, x.grad)
