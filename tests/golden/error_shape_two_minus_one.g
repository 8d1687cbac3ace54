# §11 two -1s in reshape are a ShapeError
y = reshape(ones(4), -1, -1)
# expect-error: ShapeError: -1
# expect-error-line: 2
