# §7/§8 grad(y, x) returns dy/dx without touching .grad; zeros for an input y does not depend on
x = tensor(3., requires_grad=True)
w = tensor([1., 2.], requires_grad=True)
y = x ** 2
print(grad(y, x))           # expect: tensor(6.)
print(x.grad)               # expect: None
print(grad(y, [x, w]))      # expect: [tensor(6.), tensor([0., 0.])]
print(grad(y, w))           # expect: tensor([0., 0.])
print(w.grad)               # expect: None
v = w * 3
print(grad(v, w, grad_outputs=tensor([1., 10.])))   # expect: tensor([ 3., 30.])
print(grad(v.sum(), w).requires_grad)               # expect: False
