# §3 imports accepted for PyTorch compatibility
from __future__ import print_function
import torch
import torch as t
from torch.autograd import Variable
from torch.autograd import grad as agrad
print(torch.ones(2))        # expect: tensor([1., 1.])
print(t.zeros(1))           # expect: tensor([0.])
x = Variable(torch.tensor([1., 2.]), requires_grad=True)
y = (x * x).sum()
print(agrad(y, x))          # expect: (tensor([2., 4.]),)
print(torch.autograd.grad(y, x)[0])   # expect: tensor([2., 4.])
print(torch.FloatTensor([3, 4]))      # expect: tensor([3., 4.])
print(FloatTensor([5]))               # expect: tensor([5.])
