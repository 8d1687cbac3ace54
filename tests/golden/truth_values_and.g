# §5 and/or/not take a truth value too
x = ones(3)
y = x and 1
# expect-error: ValueError: the truth value of a tensor with 3 elements is ambiguous; use any() or all()
# expect-error-line: 3
