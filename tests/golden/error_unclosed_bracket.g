# §11 an unclosed bracket is reported at the bracket that was opened
x = 1
y = sum(tensor([1., 2.])
z = 3
print(z)
# expect-error: SyntaxError: '(' opened at line 3, column 8 was never closed
# expect-error-line: 3
