# §2 a single '}' in an f-string is a SyntaxError (write '}}' for a brace), as in Python
x = 1
print(f"{{x}} is {x}}")
# expect-error: SyntaxError: f-string: single '}' is not allowed
# expect-error-line: 3
# expect-stderr: error_fstring_brace.g:3:21
