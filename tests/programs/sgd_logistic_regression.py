import torch
X = torch.tensor([[0.5, 1.0], [1.5, 2.0], [-1.0, -0.5], [-2.0, -1.5], [1.0, -0.5], [-0.5, 1.0]])
t = torch.tensor([1.0, 1.0, 0.0, 0.0, 1.0, 0.0])
w = torch.tensor([0.1, -0.1], requires_grad=True)
b = torch.tensor(0.0, requires_grad=True)
for step in range(30):
    p = torch.sigmoid(X @ w + b)
    loss = -(t * torch.log(p) + (1 - t) * torch.log(1 - p)).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.5 * w.grad
        b -= 0.5 * b.grad
        w.grad = None
        b.grad = None
print(loss)
print(w, b)
print(torch.sigmoid(X @ w + b).detach())
print(w.requires_grad, w.is_leaf, w.grad)
