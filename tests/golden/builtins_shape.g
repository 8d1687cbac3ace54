# §7 shape functions
m = tensor([[1., 2., 3.], [4., 5., 6.]])
print(reshape(m, 3, 2))     # expect: tensor([[1., 2.],
                            # expect:         [3., 4.],
                            # expect:         [5., 6.]])
print(m.reshape(-1), m.reshape(1, -1).shape, reshape(m, [3, 2]).shape)   # expect: tensor([1., 2., 3., 4., 5., 6.]) (1, 6) (3, 2)
print(transpose(m).shape, m.T.shape, ones(2, 3, 4).T.shape)  # expect: (3, 2) (3, 2) (4, 3, 2)
print(transpose(ones(2, 3, 4), 0, 2).shape)                  # expect: (4, 3, 2)
print(flatten(m))           # expect: tensor([1., 2., 3., 4., 5., 6.])
print(squeeze(ones(1, 3, 1)).shape, squeeze(ones(1, 3, 1), 0).shape)  # expect: (3,) (3, 1)
print(unsqueeze(ones(3), 0).shape, unsqueeze(ones(3), -1).shape)       # expect: (1, 3) (3, 1)
print(stack([ones(2), zeros(2)], axis=1))    # expect: tensor([[1., 0.],
                                             # expect:         [1., 0.]])
print(cat([ones(1, 2), zeros(1, 2)], axis=1))  # expect: tensor([[1., 1., 0., 0.]])
x = tensor([1., 2.], requires_grad=True)
y = stack([x, 2 * x]).reshape(4)
(y * arange(4)).sum().backward()
print(x.grad)               # expect: tensor([4., 7.])
