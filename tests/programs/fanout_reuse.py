import torch
x = torch.tensor(1.5, requires_grad=True)
a = x * 2
b = a * a + a + x
c = torch.sin(b) * a
c.backward()
print(b, c)
print(x.grad)
