# pytorch_style.g — a script written the way a PyTorch user writes it.
#
# Everything here is PyTorch spelling: import torch, torch.tensor / torch.randn /
# torch.zeros, requires_grad=True, loss.backward(), .grad, torch.no_grad(), .item(),
# dim= and keepdim=, Variable, and torch.autograd.grad returning a tuple. The data come
# from y = 3x + 2 without noise, so the fit must recover w = 3 and b = 2.
#
# Run:  gradcli run samples/pytorch_style.g
#       gradcli run samples/pytorch_style.g --json     (w, b, logits and its .grad are variables)

import torch
from torch.autograd import Variable

torch.manual_seed(0)

# ----- linear regression, trained by hand -----
X = torch.randn(64, 1)
Y = 3 * X + 2

w = torch.zeros(1, 1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr = 0.1
for epoch in range(200):
    pred = torch.matmul(X, w) + b
    loss = ((pred - Y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = None
    b.grad = None
    if epoch % 40 == 0:
        print(epoch, loss.item())
print("w =", w.item(), " b =", b.item())

# ----- torch.autograd.grad: a tuple, one entry per input -----
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]      # 3 x^2 = 12
d2y_dx2 = torch.autograd.grad(dy_dx, x)[0]                   # 6 x = 12
print(dy_dx.item(), d2y_dx2.item())

# ----- dim= / keepdim=, and the old Variable API -----
logits = Variable(torch.tensor([[1.0, 2.0, 3.0], [0.5, -0.5, 2.0]]), requires_grad=True)
probs = torch.softmax(logits, dim=1)
row_sums = probs.sum(dim=1, keepdim=True)                    # [[1], [1]]
entropy = -(probs * torch.log(probs)).sum()
entropy.backward()
print(row_sums.shape, entropy.item())
print(logits.grad)
