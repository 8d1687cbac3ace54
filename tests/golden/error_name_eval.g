# §11 nothing beyond §7 is a built-in: eval is an unknown name
eval("1 + 1")
# expect-error: NameError: name 'eval' is not defined
# expect-error-line: 2
