import torch
x = torch.tensor([0.5, 1.0, 2.0, 3.5], requires_grad=True)
y = torch.exp(x)
print(y)
z = torch.log(x)
print(z)
(y.sum() + z.sum()).backward()
print(x.grad)
x.grad = None
w = torch.log1p(x) * x.exp()
print(w)
w.sum().backward()
print(x.grad)
