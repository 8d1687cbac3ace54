# §10 a runtime error keeps what was printed before it on stdout; the error goes to stderr
print(1)                    # expect: 1
print(2)                    # expect: 2
undefined_name
print(3)
# expect-error: NameError: undefined_name
# expect-error-line: 4
