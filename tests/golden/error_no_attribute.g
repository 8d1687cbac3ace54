# §6 no other attribute exists
x = ones(2)
x.numpy()
# expect-error: NameError: a tensor has no attribute 'numpy'
# expect-error-line: 3
