import torch
# the grad_fn of gradients computed with create_graph=True
x = torch.tensor([0.2, -0.4], requires_grad=True)
y = torch.tanh(x)
dy = torch.autograd.grad(y.sum(), x, create_graph=True)[0]
print(dy)
s = torch.sigmoid(x)
ds = torch.autograd.grad(s.sum(), x, create_graph=True)[0]
print(ds)
z = torch.tensor(2.0, requires_grad=True)
(z ** 3).backward(create_graph=True)
print(z.grad)
