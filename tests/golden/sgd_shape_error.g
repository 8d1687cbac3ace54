# §5 the in-place update of a leaf under no_grad keeps its shape: a shape change is a ShapeError
w = tensor([1., 2.], requires_grad=True)
with no_grad():
    w += ones(2, 2)         # broadcasts to (2, 2)
# expect-error: ShapeError
# expect-error-line: 4
