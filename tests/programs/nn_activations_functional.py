"""The activations of torch.nn.functional, normalize and linear: values, gradients, grad_fn."""
import torch
import torch.nn.functional as F
from torch.nn import functional as G

x = torch.tensor([[-2.5, -0.5, 0.0], [0.4, 1.5, 3.0]], requires_grad=True)
for case in [("relu", F.relu(x)), ("leaky_relu", F.leaky_relu(x)), ("leaky_relu 0.2", F.leaky_relu(x, 0.2)),
                ("elu", F.elu(x)), ("elu alpha=0.5", F.elu(x, alpha=0.5)), ("gelu", F.gelu(x)),
                ("gelu tanh", F.gelu(x, approximate="tanh")), ("silu", F.silu(x)), ("sigmoid", F.sigmoid(x)),
                ("tanh", F.tanh(x)), ("softplus", F.softplus(x)), ("softplus beta=2", F.softplus(x, beta=2.0, threshold=5.0)), ("softmax", F.softmax(x, dim=1)),
                ("log_softmax", G.log_softmax(x, dim=0)), ("normalize", F.normalize(x)),
                ("normalize p=1 dim=0", F.normalize(x, p=1.0, dim=0))]:
    name = case[0]
    y = case[1]
    (y * torch.tensor([1.0, 2.0, 3.0])).sum().backward()
    print(f"{name}: {y.grad_fn}")
    print(y)
    print(x.grad)
    x.grad = None
w = torch.tensor([[0.5, -1.0, 2.0], [1.5, 0.25, -0.5]], requires_grad=True)
b = torch.tensor([0.1, -0.2], requires_grad=True)
for case in [("linear", F.linear(x, w, b)), ("linear without bias", F.linear(x, w)),
                ("linear of a vector", F.linear(x[1], w, b)), ("linear of a vector without bias", F.linear(x[0], w))]:
    name = case[0]
    y = case[1]
    y.sum().backward()
    print(f"{name}: {y.grad_fn}")
    print(y)
    print(x.grad, w.grad, b.grad)
    x.grad = None
    w.grad = None
    b.grad = None
print(torch.erf(torch.tensor([-1.0, 0.0, 0.5, 2.0])))
