# §8 backward of a non-scalar needs gradient= of its shape; the error says so and how to fix it
x = ones(3, requires_grad=True)
y = x * 2
y.backward()
# expect-error: GradError: non-scalar
# expect-error-line: 4
# expect-stderr: gradient
# expect-stderr: sum()
