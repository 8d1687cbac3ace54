import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
total = torch.zeros(3)
for i in range(3):
    total += x * (i + 1)
print(total)
total.sum().backward()
print(x.grad)
y = x * 2
y = y + 1
y *= 3
print(y)
