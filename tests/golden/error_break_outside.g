# §11 break outside a loop is a SyntaxError
for i in range(3):
    pass
if True:
    break
# expect-error: SyntaxError: 'break' outside a loop
# expect-error-line: 5
