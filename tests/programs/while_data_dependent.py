import torch
# the tutorial's loop, with a fixed input instead of randn
x = torch.tensor([0.3, -0.2, 0.9], requires_grad=True)
y = x * 2
n = 0
while y.norm() < 1000:
    y = y * 2
    n = n + 1
print(n)
print(y)
v = torch.tensor([0.1, 1.0, 0.0001])
y.backward(v)
print(x.grad)
