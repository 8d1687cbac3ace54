# §11 an attribute of None is a NameError (x.grad is None before backward)
x = ones(2, requires_grad=True)
print(x.grad.shape)
# expect-error: NameError: None has no attribute 'shape'
# expect-error-line: 3
