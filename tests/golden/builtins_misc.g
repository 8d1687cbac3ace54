# §7 misc: range, len, shape, numel, item, isnan, isinf, constants; detach
m = ones(2, 3)
print(len(m), len([1, 2]), len((1, 2, 3)), len("abcd"))   # expect: 2 2 3 4
print(shape(m), m.shape, shape(5))     # expect: (2, 3) (2, 3) ()
print(numel(m), m.numel())             # expect: 6 6
print(item(tensor([2.5])), tensor(3.).item())   # expect: 2.5 3.0
print(isnan(tensor([nan, 1.])), isinf(tensor([-inf, 1.])))   # expect: tensor([ True, False]) tensor([ True, False])
print(pi, e)                           # expect: 3.141592653589793 2.718281828459045
print(inf, nan)                        # expect: inf nan
print(m.ndim, m.T.shape)               # expect: 2 (3, 2)
x = tensor(2., requires_grad=True)
y = x * 3
d = detach(y)
print(d, d.requires_grad, y.detach().grad_fn, y.data)   # expect: tensor(6.) False None tensor(6.)
z = x.detach().requires_grad_()
print(z)                               # expect: tensor(2., requires_grad=True)
