import torch
# tanh, sinh and cosh to the last digit (item() shows all 17), and a tanh network trained by SGD
for v in [0.5, 0.7, 1.5, -0.5, 0.2, 2.0, 0.01, 0.9]:
    t = torch.tensor(v)
    print(torch.tanh(t).item(), torch.sinh(t).item(), torch.cosh(t).item())
print(torch.tanh(torch.linspace(-2, 2, 20)).sum().item(), torch.sinh(torch.arange(0.0, 3.0, 0.1)).tolist())
torch.manual_seed(0)
X = torch.randn(8, 3)
Y = (X.sum(dim=1, keepdim=True) > 0) * 1.0
W1 = torch.randn(3, 4, requires_grad=True)
b1 = torch.zeros(4, requires_grad=True)
W2 = torch.randn(4, 1, requires_grad=True)
for step in range(5):
    h = torch.tanh(X @ W1 + b1)
    p = torch.sigmoid(h @ W2)
    loss = -(Y * torch.log(p) + (1 - Y) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        W1 -= 0.5 * W1.grad
        b1 -= 0.5 * b1.grad
        W2 -= 0.5 * W2.grad
    W1.grad.zero_()
    b1.grad.zero_()
    W2.grad.zero_()
    print(step, loss.item())
print(W2)
