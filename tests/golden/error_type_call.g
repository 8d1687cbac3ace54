# §11 TypeError: calling a value that is not a function
x = 3
x(2)
# expect-error: TypeError: is not callable
# expect-error-line: 3
