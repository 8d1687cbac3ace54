# §4 indexing and slicing: t[i], t[i, j], t[1:3], t[:, 0], t[::-1]
t = arange(6)
print(t[1:3])               # expect: tensor([1., 2.])
print(t[::-1])              # expect: tensor([5., 4., 3., 2., 1., 0.])
print(t[::2], t[4:], t[:2], t[-2:])   # expect: tensor([0., 2., 4.]) tensor([4., 5.]) tensor([0., 1.]) tensor([4., 5.])
print(t[-1], t[0])          # expect: tensor(5.) tensor(0.)
m = tensor([[1., 2., 3.], [4., 5., 6.]])
print(m[:, 0])              # expect: tensor([1., 4.])
print(m[1])                 # expect: tensor([4., 5., 6.])
print(m[1, 2])              # expect: tensor(6.)
print(m[:, 1:])             # expect: tensor([[2., 3.],
                            # expect:         [5., 6.]])
print(m[::-1, ::-1][0])     # expect: tensor([6., 5., 4.])
print(m.shape[1], (7, 8, 9)[1:])     # expect: 3 (8, 9)
print([10, 20, 30][1], "hello"[1:3])  # expect: 20 el
i = 1
print(t[i + 1], t[tensor(2.)])        # expect: tensor(2.) tensor(2.)
x = tensor([1., 2., 3., 4.], requires_grad=True)
y = x[1:3].sum() + x[::-1][0] * 10
y.backward()
print(x.grad)               # expect: tensor([ 0.,  1.,  1., 10.])
