# §5 integral values are accepted wherever an integer is needed: shapes, indices, range, axis
n = 6 / 3
print(n)                    # expect: 2.0
print(ones(n).shape, zeros(2.0, 1.0).shape)   # expect: (2,) (2, 1)
t = arange(4.0)
print(t[1.0], t[n])         # expect: tensor(1.) tensor(2.)
for i in range(n): print(i)
# expect: 0
# expect: 1
print(ones(2, 3).sum(axis=1.0))   # expect: tensor([3., 3.])
print(t.reshape(n, -1.0).shape)   # expect: (2, 2)
print(t[tensor(3.)], [10, 20, 30][tensor(1.)])   # expect: tensor(3.) 20
