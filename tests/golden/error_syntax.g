# §11 SyntaxError: cannot parse; nothing runs, not even the lines before
print("not printed")
x = 1 +
y = 2
# expect-error: SyntaxError: expected an expression after '+'
# expect-error-line: 3
