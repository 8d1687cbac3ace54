import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
t = x.transpose(0, 1)
print(t)
print(x.T)
print(torch.transpose(x, 1, 0))
w = torch.tensor([[1.0, -1.0], [2.0, 0.5], [0.0, 3.0]])
(t * w).sum().backward()
print(x.grad)
x.grad = None
(x.T * w).sum().backward()
print(x.grad)
