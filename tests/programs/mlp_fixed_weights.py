import torch
X = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
Y = torch.tensor([[1.0], [1.0], [0.0], [0.0]])
W1 = torch.tensor([[0.5, -0.3, 0.8], [0.2, 0.7, -0.6]], requires_grad=True)
b1 = torch.tensor([0.1, -0.1, 0.05], requires_grad=True)
W2 = torch.tensor([[0.3], [-0.5], [0.9]], requires_grad=True)
b2 = torch.tensor([0.0], requires_grad=True)
for step in range(3):
    h = torch.tanh(X @ W1 + b1)
    out = torch.sigmoid(h @ W2 + b2)
    loss = ((out - Y) ** 2).mean()
    loss.backward()
    print(step, loss)
    with torch.no_grad():
        W1 -= 1.0 * W1.grad
        b1 -= 1.0 * b1.grad
        W2 -= 1.0 * W2.grad
        b2 -= 1.0 * b2.grad
    W1.grad = None
    b1.grad = None
    W2.grad = None
    b2.grad = None
print(W1)
print(W2)
print(out.detach())
