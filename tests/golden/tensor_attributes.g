# §6 tensor attributes and methods
x = tensor([[1., 2.], [3., 4.]], requires_grad=True)
y = x * 2
print(x.data, x.data.requires_grad)   # expect: tensor([[1., 2.],
                                      # expect:         [3., 4.]]) False
print(x.grad, x.grad_fn, y.grad_fn)   # expect: None None <MulBackward0>
print(x.requires_grad, y.requires_grad, x.is_leaf, y.is_leaf)   # expect: True True True False
print(x.shape, x.ndim, x.numel())     # expect: (2, 2) 2 4
print(x.T)                  # expect: tensor([[1., 3.],
                            # expect:         [2., 4.]], grad_fn=<PermuteBackward0>)
print(x[0, 1].item())       # expect: 2.0
d = y.detach()
print(d, d.requires_grad)   # expect: tensor([[2., 4.],
                            # expect:         [6., 8.]]) False
c = ones(2)
c.requires_grad_()
print(c)                    # expect: tensor([1., 1.], requires_grad=True)
y.sum().backward()
print(x.grad)               # expect: tensor([[2., 2.],
                            # expect:         [2., 2.]])
y.backward(gradient=ones(2, 2))
print(x.grad[0])            # expect: tensor([4., 4.])
print(x.sum(axis=0), round(x.norm().item() ** 2), x.exp().shape, x.reshape(4).shape)   # expect: tensor([4., 6.], grad_fn=<SumBackward1>) 30 (2, 2) (4,)
print(x.mean(), x.max(), x.abs().sum())   # expect: tensor(2.5000, grad_fn=<MeanBackward0>) tensor(4., grad_fn=<MaxBackward1>) tensor(10., grad_fn=<SumBackward0>)
x.requires_grad = False
print(x.requires_grad)      # expect: False
