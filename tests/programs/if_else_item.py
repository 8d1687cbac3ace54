import torch
def piecewise(x):
    if x.item() > 1.0:
        return x * x
    elif x.item() < -1.0:
        return -x
    else:
        return torch.sin(x)
for v in [2.0, -3.0, 0.5]:
    t = torch.tensor(v, requires_grad=True)
    y = piecewise(t)
    y.backward()
    print(y, t.grad)
a = torch.tensor(3.0)
if a > 2:
    print("big")
else:
    print("small")
