# §11 TypeError: wrong number of arguments
def f(a, b):
    return a + b
print(f(1, 2))              # expect: 3
f(1)
# expect-error: TypeError: f() missing argument 'b'
# expect-error-line: 5
