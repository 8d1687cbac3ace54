import torch
X = torch.tensor([[1.0, 0.5], [2.0, -1.0], [3.0, 1.5], [4.0, 0.0], [5.0, 2.0]])
y = torch.tensor([2.1, 2.9, 6.2, 7.8, 10.5])
w = torch.zeros(2, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.02
for epoch in range(50):
    pred = X @ w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = None
    b.grad = None
    if epoch % 10 == 0:
        print(epoch, loss.item())
print(w)
print(b)
print(loss)
