import torch
def mse(pred, target):
    d = pred - target
    return (d * d).mean()
def affine(x, w, b=0.0):
    return x @ w + b
x = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
w = torch.tensor([0.5, -0.25], requires_grad=True)
b = torch.tensor(0.1, requires_grad=True)
y = torch.tensor([0.0, 1.0, 2.0])
loss = mse(affine(x, w, b), y)
print(loss)
loss.backward()
print(w.grad, b.grad)
print(affine(x, w).detach())
