# §11 a shape beyond any memory is refused up front with a LimitError that reads well, even when
# its size (10^600 elements) is too large for a float; len() of such a range counts it too
print(len(range(1e300)))               # expect: 1e+300
print(round(tensor(1.5), 400))         # expect: tensor(nan)
x = ones(1e300, 1e300)
# expect-error: LimitError: a tensor of 1.00e+600 elements needs 7.27e+588 TiB, more than the memory limit
# expect-error-line: 5
