# §2 a triple-quoted string that never closes is reported where it opens
x = 1
"""A docstring
that never ends
print(x)
# expect-error: SyntaxError: unterminated triple-quoted string
# expect-error-line: 3
# expect-stderr: error_unterminated_triple_quote.g:3:1
