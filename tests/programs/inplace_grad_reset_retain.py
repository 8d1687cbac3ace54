import torch
# resetting a gradient in place (w.grad.zero_(), w.grad.data.zero_()), and retain_grad() on an
# intermediate tensor, as PyTorch training code does
w = torch.tensor([1.0, -2.0, 0.5], requires_grad=True)
x = torch.tensor([0.3, 0.2, -0.1])
for step in range(3):
    h = w * x
    h.retain_grad()
    loss = (h.sum() - 1.0) ** 2
    loss.backward()
    print(step, loss.item(), h.grad, h.retains_grad, w.retains_grad)
    with torch.no_grad():
        w -= 0.5 * w.grad
    w.grad.zero_()
print(w, w.grad)
g = w.grad
loss = (w ** 2).sum()
loss.backward()
w.grad.data.zero_()
print(w.grad, g.data)
y = w * 2
y.retain_grad()
z = y * y
z.retain_grad()
s = z.sum()
s.backward(retain_graph=True)
s.backward()
print(y.grad, z.grad, w.grad)
