# §11 ShapeError: shapes that do not multiply
w = ones(2, 3)
y = w @ ones(2)
# expect-error: ShapeError: (2, 3) and (2,)
# expect-error-line: 3
