import torch
x = torch.tensor([0.2, -0.4], requires_grad=True)
y = torch.tanh(torch.tanh(x) * 2.0)
dy = torch.autograd.grad(y.sum(), x, create_graph=True)[0]
print(dy.detach(), dy.requires_grad)
d2y = torch.autograd.grad(dy.sum(), x, create_graph=True)[0]
print(d2y.detach())
d3y = torch.autograd.grad(d2y.sum(), x)[0]
print(d3y)
