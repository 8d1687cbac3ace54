import torch
x = torch.tensor(0.1)
y = x + 0.2
print(y)
print(y.item())
print(x.item() * 3)
print(torch.tensor(2.0) ** 10)
print((torch.tensor(1.0) / 3).item())
print(torch.tensor([1.0, 2.0, 3.0]).sum().item())
print(1.0 / 3)
print(7 % 3, 2 ** 5)
print("loss", torch.tensor(0.25).item())
print(torch.tensor(-0.0))
print(torch.tensor(123456.0), torch.tensor(0.000123))
