# §4 a list literal becomes a tensor where a tensor is wanted; stays a list otherwise
print([1, 2] + [3, 4])                  # expect: tensor([4., 6.])
print([1, 2] * 2)                       # expect: tensor([2., 4.])
print(sum([1, 2, 3]))                   # expect: tensor(6.)
print(tensor([1, 2]).dot([3, 4]))       # expect: tensor(11.)
print(stack([ones(2), zeros(2)]))       # expect: tensor([[1., 1.],
                                        # expect:         [0., 0.]])
print(cat([ones(1), zeros(2)]))         # expect: tensor([1., 0., 0.])
x = tensor(2., requires_grad=True)
w = tensor(3., requires_grad=True)
v = [x, x * w, [1, 2][0]]
print(v)                                # expect: tensor([2., 6., 1.], grad_fn=<StackBackward0>)
v.sum().backward()
print(x.grad, w.grad)                   # expect: tensor(4.) tensor(2.)
gs = grad(x * w, [x, w])
print(gs)                               # expect: [tensor(3.), tensor(2.)]
print(len(gs), gs[1])                   # expect: 2 tensor(2.)
nested = [[1, 2], [3, 4]]
print(nested)                           # expect: tensor([[1., 2.],
                                        # expect:         [3., 4.]])
ragged = [[1, 2], [3]]
print(ragged)                           # expect: [[1, 2], [3]]
empty = []
print(len(empty))                       # expect: 0
print([1, "a", None])                   # expect: [1, 'a', None]
