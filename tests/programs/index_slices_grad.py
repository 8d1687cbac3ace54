import torch
v = torch.linspace(0.0, 1.0, 6)
v.requires_grad_()
a = v[1:4]
b = v[-2]
c = v[::2]
print(a, b, c)
(a * a).sum().backward()
print(v.grad)
(b * 5 + c.sum()).backward()
print(v.grad)
