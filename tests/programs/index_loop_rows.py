import torch
m = torch.tensor([[1.0, -1.0], [2.0, 0.5], [-3.0, 4.0]], requires_grad=True)
total = torch.tensor(0.0)
for row in m:
    total = total + (row * row).sum() * row[0]
print(total)
total.backward()
print(m.grad)
acc = 0.0
for i in range(3):
    acc = acc + m[i, 1] ** 2
print(acc)
