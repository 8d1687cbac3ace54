# §2/§6 a name or attribute beginning with __ is a SyntaxError: t.__class__ does not exist
t = ones(2)
print(t.__class__)
# expect-error: SyntaxError: '__'
# expect-error-line: 3
