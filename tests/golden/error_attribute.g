# §11 an unknown attribute is a NameError, with a hint
x = ones(2)
print(x.gard)
# expect-error: NameError: a tensor has no attribute 'gard'
# expect-error-line: 3
# expect-stderr: did you mean `grad`?
