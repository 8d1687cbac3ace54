import torch
a = torch.tensor([1.0, 2.0])
print(a.requires_grad, a.grad_fn, a.is_leaf)
a.requires_grad_()
print(a)
b = a * 2
print(b.requires_grad, b.is_leaf)
print(b.grad_fn)
c = torch.tensor([3.0, 4.0])
d = a + c
print(d)
with torch.no_grad():
    e = a * 3
print(e, e.requires_grad)
print(torch.is_grad_enabled())
