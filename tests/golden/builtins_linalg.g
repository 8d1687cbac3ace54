# §7 linear algebra
a = tensor([[1., 2.], [3., 4.]])
print(matmul(a, a))         # expect: tensor([[ 7., 10.],
                            # expect:         [15., 22.]])
print(a @ tensor([1., 1.])) # expect: tensor([3., 7.])
print(dot(tensor([1., 2.]), tensor([3., 4.])))    # expect: tensor(11.)
print(outer(tensor([1., 2.]), tensor([1., 3.])))  # expect: tensor([[1., 3.],
                                                  # expect:         [2., 6.]])
print(trace(a), det(tensor([[2., 0.], [0., 3.]])), round(det(a)))   # expect: tensor(5.) tensor(6.) tensor(-2.)
print(inv(tensor([[2., 0.], [0., 4.]])))   # expect: tensor([[0.5000, 0.0000],
                                           # expect:         [0.0000, 0.2500]])
w = tensor([[1., 2.], [3., 4.]], requires_grad=True)
y = w @ tensor([[1.], [1.]])
print(y.grad_fn)            # expect: <MmBackward0>
y.sum().backward()
print(w.grad)               # expect: tensor([[1., 1.],
                            # expect:         [1., 1.]])
d = tensor([[2., 1.], [1., 3.]], requires_grad=True)
det(d).backward()
print(round(d.grad * 1000) / 1000)   # expect: tensor([[ 3., -1.],
                            # expect:         [-1.,  2.]])
