# §5 a chained comparison takes the truth value of its first part
x = tensor([0.5, 2.])
print(0 < x)                # expect: tensor([True, True])
ok = 0 < x < 1
# expect-error: ValueError: any() or all()
# expect-error-line: 4
