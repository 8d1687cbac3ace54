# §2 a spec that does not apply to the value is a ValueError, with Python's words
i = 2.5
print(f"step {i:d}")
# expect-error: ValueError: Unknown format code 'd' for object of type 'float'
# expect-error-line: 3
# expect-stderr: error_fstring_bad_spec.g:3:15
