# §4 grad/jacobian/hessian take a list of inputs as it is: w.r.t. those tensors themselves
x = tensor(2., requires_grad=True)
w = tensor(3., requires_grad=True)
y = x * w * w
print(grad(y, [x, w]))      # expect: [tensor(9.), tensor(12.)]
print(jacobian(y, [x, w]))  # expect: [tensor(9.), tensor(12.)]
print(hessian(y, [x, w]))   # expect: [[tensor(0.), tensor(6.)], [tensor(6.), tensor(4.)]]
a = tensor([1., 2.], requires_grad=True)
b = tensor([3., 4.], requires_grad=True)
j = jacobian(a * b, [a, b])
print(len(j), j[1])         # expect: 2 tensor([[1., 0.],
                            # expect:         [0., 2.]])
print(x.grad, a.grad)       # expect: None None
