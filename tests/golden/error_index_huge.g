# §11 an index far out of range is reported as written (compactly), not as the integer numpy's
# cast wraps it around to
x = ones(3)
print(x[[0, 2]])                       # expect: tensor([1., 1.])
y = x[[0, 1e300]]
# expect-error: IndexError: index 1.00e+300 is out of range
# expect-error-line: 5
