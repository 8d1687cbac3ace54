import torch
def make_loss(scale):
    def loss(w):
        return scale * (w * w).sum()
    return loss
f = make_loss(3.0)
w = torch.tensor([1.0, -2.0], requires_grad=True)
l = f(w)
l.backward()
print(l, w.grad)
def apply_twice(fn, x):
    return fn(fn(x))
def sq(t):
    return t * t
z = torch.tensor(1.1, requires_grad=True)
r = apply_twice(sq, z)
r.backward()
print(r, z.grad)
def kw(a, b=2.0, c=3.0):
    return a * b + c
print(kw(torch.tensor(1.0), c=0.5))
