# §11 the hint also suggests built-ins; eval/exec/open/getattr are unknown names
x = tensor([1., 2.])
y = sigmod(x)
# expect-error: NameError: name 'sigmod' is not defined
# expect-error-line: 3
# expect-stderr: did you mean `sigmoid`?
