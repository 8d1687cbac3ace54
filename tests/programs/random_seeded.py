import torch
# seeded random numbers: the same as PyTorch's CPU generator draws (one at a time below 16
# numbers, keeping the Box-Muller sine for the next call; in blocks of 16 from 16 on)
torch.manual_seed(0)
x = torch.randn(3, requires_grad=True)
print(x)
print(x[0].item(), x[2].item())
y = x * 2
while y.data.norm() < 1000:
    y = y * 2
print(y)
gradients = torch.tensor([0.1, 1.0, 0.0001])
y.backward(gradients)
print(x.grad)
print(torch.randn(2, 3))
torch.manual_seed(42)
print(torch.rand(2, 3))
print(torch.randn(20))
print(torch.randn(5).sum().item())
torch.manual_seed(7)
w = torch.randn(4, 3, requires_grad=True)
b = torch.rand(3, requires_grad=True)
loss = ((torch.ones(2, 4) @ w + b) ** 2).mean()
loss.backward()
print(loss.item())
print(w.grad)
print(b.grad)
