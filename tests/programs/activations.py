import torch
import torch.nn.functional as F
x = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], requires_grad=True)
r = torch.relu(x)
s = torch.sigmoid(x)
p = F.softplus(x)
print(r)
print(s)
print(p)
print(F.relu(x))
(r + 2 * s + 3 * p).sum().backward()
print(x.grad)
