import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
y = x.T.reshape(6)
print(y)
(y * torch.arange(1.0, 7.0, 1.0)).sum().backward()
print(x.grad)
