# §11 a runtime error inside braces points at the expression inside the f-string
total = 3
print(f"total {total}, mean {total / count:.2f}")
# expect-error: NameError: name 'count' is not defined
# expect-error-line: 3
# expect-stderr: error_fstring_name.g:3:38
