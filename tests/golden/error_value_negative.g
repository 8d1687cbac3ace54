# §11 ValueError: a negative size
z = ones(3, -2)
# expect-error: ValueError: negative
# expect-error-line: 2
