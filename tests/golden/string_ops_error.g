# §2 nothing but + applies to strings
s = "ab"
t = s * 2
# expect-error: TypeError: '*' does not apply to a string
# expect-error-line: 3
