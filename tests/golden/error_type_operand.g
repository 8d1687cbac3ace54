# §11 TypeError: wrong kind of value
x = ones(2) + "one"
# expect-error: TypeError: '+' does not apply to
# expect-error-line: 2
