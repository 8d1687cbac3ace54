import torch
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
total = torch.zeros(3)
for i in range(1, 5):
    total = total + w ** i / i
print(total)
s = total.sum()
s.backward()
print(w.grad)
for k in range(10, 0, -3):
    print(k)
