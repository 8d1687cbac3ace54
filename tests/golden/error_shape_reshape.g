# §11 ShapeError: shapes that do not reshape, two -1s, squeezing a non-1 axis
x = ones(6)
print(x.reshape(2, -1).shape)   # expect: (2, 3)
y = x.reshape(4, -1)
# expect-error: ShapeError: reshape
# expect-error-line: 4
