# §4 precedence, lowest first: ternary, or, and, not, comparisons, + -, * / @ %, unary, ** ^
x = 3
print(-x**2)                # expect: -9
print(-x^2)                 # expect: -9
print((-x)**2)              # expect: 9
print(2**3**2)              # expect: 512
print(2^3^2)                # expect: 512
print((2^3)^2)              # expect: 64
print(2**-1)                # expect: 0.5
print(-2**-2)               # expect: -0.25
print(1 + 2 * 3)            # expect: 7
print((1 + 2) * 3)          # expect: 9
print(10 - 4 - 3)           # expect: 3
print(2 * 3 ** 2)           # expect: 18
print(7 % 3, -7 % 3)        # expect: 1 2
print(8 / 4 / 2)            # expect: 1.0
print(--x, -+x)             # expect: 3 -3
print(not 1 == 2)           # expect: True
print(not 1 < 2 and 3 < 4)  # expect: False
print(True or False and False)   # expect: True
print(1 + 2 < 4)            # expect: True
print(1 if 2 > 3 else 4 + 5)     # expect: 9
print(tensor([[1., 2.], [3., 4.]]) @ tensor([1., 1.]) * 2)   # expect: tensor([ 6., 14.])
print(2 * ones(2) @ ones(2))     # expect: tensor(4.)
