# §11 broadcasting to a shape no view can hold is a LimitError, not numpy's message
y = broadcast_to(ones(3), 2, 3)
print(y.shape)                         # expect: (2, 3)
z = broadcast_to(1, 1e300, 1e300)
# expect-error: LimitError: a tensor of 1.00e+600 elements needs
# expect-error-line: 4
