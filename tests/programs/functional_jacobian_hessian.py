import torch
def f(x):
    return torch.stack([x[0] * x[1], torch.sin(x[0]) + x[1] ** 2, x.sum()])
x = torch.tensor([0.5, -1.5])
J = torch.autograd.functional.jacobian(f, x)
print(J)
def g(x):
    return (x ** 3).sum() + x[0] * x[1]
H = torch.autograd.functional.hessian(g, x)
print(H)
print(torch.autograd.functional.jacobian(torch.tanh, torch.tensor([0.0, 1.0])))
