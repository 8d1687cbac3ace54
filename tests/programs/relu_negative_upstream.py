import torch
# negative upstream gradients through relu, clamp, maximum: masked entries are +0, not -0
x = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
y = torch.relu(x)
(-3.0 * y).sum().backward()
print(x.grad)
x.grad = None
m = torch.maximum(x, torch.tensor([0.0, 0.0, 0.0]))
(-m).sum().backward()
print(x.grad)
x.grad = None
n = torch.minimum(x, torch.tensor([1.0, 1.0, 1.0]))
(-2 * n).sum().backward()
print(x.grad)
