# §7 squeezing an axis whose size is not 1 is a ShapeError
y = squeeze(ones(2, 3), 0)
# expect-error: ShapeError: squeeze
# expect-error-line: 2
