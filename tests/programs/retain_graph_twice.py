import torch
a = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-1.0, requires_grad=True)
c = a * a * b + torch.exp(b)
c.backward(retain_graph=True)
print(a.grad, b.grad)
c.backward()
print(a.grad, b.grad)
