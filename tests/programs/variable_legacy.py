import torch
from torch.autograd import Variable
x = Variable(torch.ones(2, 2), requires_grad=True)
print(x)
y = x + 2
z = y * y * 3
out = z.mean()
print(z, out)
out.backward()
print(x.grad)
w = torch.autograd.Variable(torch.tensor([1.0, 2.0]))
print(w, w.requires_grad)
