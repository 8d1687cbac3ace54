# §5 a condition must have one element; a multi-element tensor is an error naming any()/all()
x = tensor([1., -2., 3.])
if any(x < 0): print("some negative")      # expect: some negative
if not all(x > 0): print("not all positive")   # expect: not all positive
if x.sum() > 0: print("sum positive")      # expect: sum positive
if x > 0:
    print("never")
# expect-error: ValueError: use any() or all()
# expect-error-line: 6
