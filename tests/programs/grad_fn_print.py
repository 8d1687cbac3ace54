import torch
x = torch.tensor([1.0, 2.0], requires_grad=True)
y = x * 3
z = y.sum()
print(y.grad_fn)
print(z.grad_fn)
print(x.grad_fn)
print(torch.exp(x).grad_fn)
print(torch.dot(x, x).grad_fn)
