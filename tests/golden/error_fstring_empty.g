# §2 an f-string field needs an expression
print(f"value: { }")
# expect-error: SyntaxError: f-string: empty expression not allowed
# expect-error-line: 2
