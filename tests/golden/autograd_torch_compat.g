# §8 PyTorch compatibility: torch.autograd.grad returns a tuple; Variable is a leaf copy
import torch
from torch.autograd import Variable
x = torch.ones(2, requires_grad=True)
y = (x * 3).sum()
g = torch.autograd.grad(y, x)
print(g)                    # expect: (tensor([3., 3.]),)
print(g[0], len(g))         # expect: tensor([3., 3.]) 1
w = torch.tensor(2., requires_grad=True)
print(torch.autograd.grad(x.sum() * w, [x, w]))   # expect: (tensor([2., 2.]), tensor(2.))
print(x.grad)               # expect: None
t = ones(2)
v = Variable(t, requires_grad=True)
print(v, v.is_leaf)         # expect: tensor([1., 1.], requires_grad=True) True
u = Variable(v * 2)
print(u, u.grad_fn)         # expect: tensor([2., 2.]) None
(v * v).sum().backward()
print(v.grad)               # expect: tensor([2., 2.])
print(torch.autograd.Variable(torch.FloatTensor([1, 2])))   # expect: tensor([1., 2.])
