# §11 an unclosed bracket at the end of the input is reported where it was opened
v = [1, 2,
     3, 4
# expect-error: SyntaxError: '[' opened at line 2, column 5 was never closed
# expect-error-line: 2
