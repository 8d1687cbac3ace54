# §7 jacobian(f_or_y, x) and hessian(f_or_y, x)
x = tensor([1., 2.], requires_grad=True)
def f(t): return t ** 2
print(jacobian(f, x))       # expect: tensor([[2., 0.],
                            # expect:         [0., 4.]])
y = stack([x[0] * x[1], x[0] + 3 * x[1]])
print(jacobian(y, x))       # expect: tensor([[2., 1.],
                            # expect:         [1., 3.]])
def s(t): return t[0] ** 2 * t[1] + t[1] ** 3
print(hessian(s, x))        # expect: tensor([[ 4.,  2.],
                            # expect:         [ 2., 12.]])
print(jacobian(f, x).requires_grad)     # expect: False
print(jacobian(f, x, create_graph=True).requires_grad)   # expect: True
print(x.grad)               # expect: None
print(jacobian(f, tensor(3.)))   # expect: tensor(6.)
