# §11 an axis out of range is an IndexError
m = ones(2, 3)
print(m.sum(axis=1))        # expect: tensor([3., 3.])
s = m.sum(axis=2)
# expect-error: IndexError: axis 2
# expect-error-line: 4
