import torch
# Newton's method for sqrt(a), differentiated through the iterations
a = torch.tensor(2.0, requires_grad=True)
x = torch.tensor(1.0)
steps = 0
while abs((x * x - a).item()) > 1e-12:
    x = 0.5 * (x + a / x)
    steps = steps + 1
print(steps)
print(x)
x.backward()
print(a.grad)
print(x.item())
