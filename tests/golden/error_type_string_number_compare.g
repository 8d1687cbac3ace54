# §2 a string mixed with a number in a comparison is a TypeError, in a chain too
x = 0.5
print(0 < x < "1")
# expect-error: TypeError: '<' does not apply to a tensor and a string
# expect-error-line: 3
