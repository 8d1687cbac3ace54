# §11 a syntax error inside f-string braces points at the expression's own column
loss = 0.5
print(f"loss {loss:.4f} at step {loss +}")
# expect-error: SyntaxError: expected an expression after '+'
# expect-error-line: 3
# expect-stderr: error_fstring_syntax.g:3:40
