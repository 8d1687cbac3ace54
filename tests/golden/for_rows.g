# §3 a tensor iterates over its first axis
m = tensor([[1., 2.], [3., 4.], [5., 6.]])
for row in m:
    print(row)
# expect: tensor([1., 2.])
# expect: tensor([3., 4.])
# expect: tensor([5., 6.])
for v in tensor([7., 8.]): print(v)
# expect: tensor(7.)
# expect: tensor(8.)
x = tensor([1., 2., 3.], requires_grad=True)
s = 0
for xi in x:
    s = s + xi * xi
print(s)                    # expect: tensor(14., grad_fn=<AddBackward0>)
s.backward()
print(x.grad)               # expect: tensor([2., 4., 6.])
for item in [1, "a", None]: print(item)
# expect: 1
# expect: a
# expect: None
