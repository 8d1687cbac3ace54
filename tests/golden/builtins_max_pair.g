# §7 max/min are reductions only; max(a, b) with a non-integer b is a TypeError naming maximum
print(maximum(tensor(1.), tensor(2.)))   # expect: tensor(2.)
m = max(tensor([1., 5.]), 2.5)
# expect-error: TypeError: maximum(a, b)
# expect-error-line: 3
