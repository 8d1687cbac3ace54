import torch
x = torch.tensor([1.0, 2.0, -1.0], requires_grad=True)
y = (x[0] ** 2) * x[1] + torch.exp(x[2]) * x[0] + x[1] ** 3
g = torch.autograd.grad(y, x, create_graph=True)[0]
print(g.detach())
v = torch.tensor([1.0, 0.0, 0.5])
hv = torch.autograd.grad(g, x, grad_outputs=v, retain_graph=True)[0]
print(hv)
r0 = torch.autograd.grad(g[0], x, retain_graph=True)[0]
r1 = torch.autograd.grad(g[1], x, retain_graph=True)[0]
r2 = torch.autograd.grad(g[2], x, retain_graph=True)[0]
print(torch.stack([r0, r1, r2]))
