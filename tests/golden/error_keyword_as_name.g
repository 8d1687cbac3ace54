# §2 keywords cannot be names
x = 1
pass = 2
print(x)
# expect-error: SyntaxError
# expect-error-line: 3
