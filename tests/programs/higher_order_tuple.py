import torch
x = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = (torch.exp(x) * x).sum()
grads = torch.autograd.grad(y, x, create_graph=True)
print(len(grads))
g = grads[0]
print(g)
h = torch.autograd.grad(g.sum(), x)
print(h[0])
w = torch.tensor(3.0, requires_grad=True)
z = w * w * x.sum()
gs = torch.autograd.grad(z, [x, w])
print(gs[0], gs[1])
