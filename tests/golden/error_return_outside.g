# §11 return outside a function is a SyntaxError
x = 1
return x
# expect-error: SyntaxError: 'return' outside a function
# expect-error-line: 3
