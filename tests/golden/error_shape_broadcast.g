# §11 ShapeError: shapes that do not broadcast
a = ones(2, 3)
b = ones(4)
c = a + b
# expect-error: ShapeError: (2, 3) and (4,)
# expect-error-line: 4
