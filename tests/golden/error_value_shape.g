# §5/§11 ValueError: a non-integral value where an integer is needed (a shape)
n = 2.5
z = zeros(n)
# expect-error: ValueError: 2.5
# expect-error-line: 3
