# §5 a non-integral index is a ValueError
t = arange(4)
v = t[1.5]
# expect-error: ValueError: 1.5
# expect-error-line: 3
