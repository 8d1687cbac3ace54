# §10 --wrt x with an output of shape S: the Jacobian, of shape S + x's shape
# args: --wrt x --wrt c
x = tensor([1., 2.])
c = 5
y = stack([x[0] * x[1], x[0] ** 2, x[1]])
# expect: y = tensor([2., 1., 2.], grad_fn=<StackBackward0>)
# expect: dy/dx = tensor([[2., 1.],
# expect:                 [2., 0.],
# expect:                 [0., 1.]])
# expect: dy/dc = tensor([0., 0., 0.])
