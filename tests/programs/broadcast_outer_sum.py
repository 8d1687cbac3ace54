import torch
col = torch.tensor([[1.0], [2.0], [3.0]], requires_grad=True)
row = torch.tensor([[0.1, 0.2, 0.3, 0.4]], requires_grad=True)
grid = col * row + col / (row + 1)
print(grid)
w = torch.linspace(-1.0, 1.0, 4)
(grid * w).sum().backward()
print(col.grad)
print(row.grad)
