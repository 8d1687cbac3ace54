import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x * torch.tensor([1.0, -1.0, 0.5])
v = torch.tensor([1.0, 0.1, 0.01])
y.backward(v)
print(x.grad)
x.grad = None
M = torch.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
N = M.exp()
N.backward(gradient=torch.ones(2, 2))
print(M.grad)
g = torch.autograd.grad(x * 2, x, grad_outputs=torch.tensor([1.0, 2.0, 3.0]))[0]
print(g)
