# §11 in a triple-quoted f-string, an error inside braces has its own line and column
w = 2
print(f"""weights:
  w = {w}
  b = {b}
""")
# expect-error: NameError: name 'b' is not defined
# expect-error-line: 5
# expect-stderr: error_fstring_triple_line.g:5:8
