# §3 `name[index] = expr` rebinds name to an updated copy; differentiable w.r.t. both sides
a = zeros(3)
b = a
a[0] = 5
print(a)                    # expect: tensor([5., 0., 0.])
print(b)                    # expect: tensor([0., 0., 0.])
m = zeros(2, 3)
m[1] = [1, 2, 3]
m[0, 2] = 7
m[:, 0] = -1
print(m)                    # expect: tensor([[-1.,  0.,  7.],
                            # expect:         [-1.,  2.,  3.]])
x = tensor([1., 2., 3.], requires_grad=True)
v = tensor(4., requires_grad=True)
y = x * 1
y[1] = v * x[0]
print(y)                    # expect: tensor([1., 4., 3.], grad_fn=<CopySlices>)
(y * tensor([1., 10., 100.])).sum().backward()
print(x.grad)               # expect: tensor([ 41.,   0., 100.])
print(v.grad)               # expect: tensor(10.)
