# §10 --wrt x with a scalar output: the gradient has x's shape; .grad is not touched
# args: --wrt x
x = tensor([1., 2., 3.])
loss = (x ** 2).sum()
print(x.requires_grad, x.grad)   # expect: True None
# expect: loss = tensor(14., grad_fn=<SumBackward0>)
# expect: dloss/dx = tensor([2., 4., 6.])
