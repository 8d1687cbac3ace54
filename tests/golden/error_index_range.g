# §11 IndexError: index out of range (tensors, lists, tuples)
t = ones(3)
print(t[2], t[-3])          # expect: tensor(1.) tensor(1.)
v = t[3]
# expect-error: IndexError: 3
# expect-error-line: 4
