import torch
import torch.nn.functional as F
x = torch.tensor([[1.0, 2.0, 3.0], [0.5, 0.5, -1.0]], requires_grad=True)
s1 = torch.softmax(x, dim=1)
s0 = F.softmax(x, dim=0)
print(s1)
print(s0)
w = torch.tensor([[1.0, 0.0, -1.0], [2.0, 1.0, 0.0]])
(s1 * w).sum().backward()
print(x.grad)
x.grad = None
ls = torch.log_softmax(x, dim=1)
print(ls)
print(F.log_softmax(x, dim=0))
(ls * w).sum().backward()
print(x.grad)
