# §8 (as in PyTorch) grad(y, x) with an x that does not require grad is a GradError naming the fix,
# not a silent zero; an input that requires grad but that y does not depend on gives zeros
w = tensor(1., requires_grad=True)
x = tensor(2.)
print(grad(w * 3, w))       # expect: tensor(3.)
print(grad(w * 3, tensor(5., requires_grad=True)))   # expect: tensor(0.)
g = grad(x * 2, x)
# expect-error: GradError: does not require grad
# expect-error-line: 7
# expect-stderr: requires_grad=True
