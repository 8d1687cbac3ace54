# §8 torch, Variable and FloatTensor are built-in names even without an import
v = Variable(FloatTensor([1, 2]), requires_grad=True)
print(v)                    # expect: tensor([1., 2.], requires_grad=True)
print(torch.tensor(1.) + torch.ones(1))   # expect: tensor([2.])
print(torch.autograd.grad((v * v).sum(), v))   # expect: (tensor([2., 4.]),)
