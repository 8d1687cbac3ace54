# §11 a gradient= of the wrong shape is a GradError
x = ones(2, requires_grad=True)
(x * 2).backward(ones(3))
# expect-error: GradError: (3,)
# expect-error-line: 3
