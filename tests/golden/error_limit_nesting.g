# §11 syntax nested deeper than --max-nesting is a LimitError naming the option
# args: --max-nesting 10
print(((((1)))))            # fine: 5 levels
x = ((((((((((((1))))))))))))
# expect-error: LimitError: --max-nesting
# expect-error-line: 4
