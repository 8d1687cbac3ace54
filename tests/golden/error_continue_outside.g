# §11 continue outside a loop is a SyntaxError, even inside a function body
def f():
    continue
# expect-error: SyntaxError: 'continue' outside a loop
# expect-error-line: 3
