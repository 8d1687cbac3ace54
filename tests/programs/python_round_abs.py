import torch
w = torch.tensor([0.123456, -2.5, 3.75], requires_grad=True)
loss = (w * w).sum() / 3
print(round(loss.item(), 4))
print(round(loss.item(), 1), round(loss.item()))
print(round(2.5), round(3.5), round(-1.25, 1))
print(abs(-2.5), abs(w[1].item()))
print(abs(w))
print(torch.abs(w - 1.0))
print(torch.round(w * 10))
print(torch.round(w, decimals=2).detach())
print(torch.round(torch.tensor([1.33333, 2.675, -0.125, 1234.5678]), decimals=2))
print(torch.round(torch.tensor([1234.5678, -75.0]), decimals=-2))
