import torch
x = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], requires_grad=True)
print(x[0])
print(x[1, 2])
print(x[-1])
print(x[:, 1])
print(x[1:, :2])
print(x[0:3:2])
y = x[1, 2] * 2 + x[0].sum() + x[:, 1].sum() * 10
y.backward()
print(x.grad)
