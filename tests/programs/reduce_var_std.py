import torch
x = torch.tensor([[1.0, 2.0, 4.0, 7.0], [0.5, -1.0, 3.0, 2.5]], requires_grad=True)
print(x.var())
print(x.std())
print(x.var(dim=1))
print(torch.std(x, dim=0))
print(x.std(dim=1, keepdim=True))
(x.var(dim=1).sum() + x.std()).backward()
print(x.grad)
