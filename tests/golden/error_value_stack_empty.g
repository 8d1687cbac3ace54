# §11 stack([]) is a ValueError
print(stack([ones(1)]))     # expect: tensor([[1.]])
s = stack([])
# expect-error: ValueError: empty
# expect-error-line: 3
