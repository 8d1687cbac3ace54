import torch
x = torch.tensor(0.0, requires_grad=True)
y = x
i = 0
while True:
    i = i + 1
    if i % 2 == 0:
        continue
    y = y + torch.cos(y + i)
    if i > 6:
        break
print(i, y)
y.backward()
print(x.grad)
total = 0
for k in range(10):
    if k == 3 or k == 5:
        continue
    if not k < 8:
        break
    total = total + k
print(total)
v = torch.tensor(0.4)
if 0 < v.item() < 1 and v.item() != 0.5:
    print("inside")
