# §11 an error inside a user function: the line inside it, and the calls that led there
def inner(v):
    return v + ones(3)
def outer(v):
    return inner(v) * 2
outer(ones(2))
# expect-error: ShapeError: (2,) and (3,)
# expect-error-line: 3
# expect-stderr: in call at error_in_function.g:6:1
# expect-stderr: in call at error_in_function.g:5:12
