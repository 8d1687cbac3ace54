import torch
x = torch.tensor([0.0, 1.0, 2.0, -3.0], requires_grad=True)
y = x ** 2
print(y)
y.sum().backward()
print(x.grad)
x.grad = None
z = x ** 0
print(z)
z.sum().backward()
print(x.grad)
x.grad = None
q = x.pow(3) - 2 * x
q.sum().backward()
print(q)
print(x.grad)
