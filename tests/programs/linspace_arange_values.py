import torch
print(torch.linspace(-1.0, 1.0, 7))
print(torch.linspace(0.0, 1.0, 11))
print(torch.linspace(-3.0, 2.5, 12))
print(torch.arange(0.0, 2.0, 0.25))
print(torch.arange(-1.0, 1.0, 0.1))
print(torch.arange(1.0, 6.0))
x = torch.linspace(0.1, 0.9, 9)
print(x.sum(), x.mean())
