# §2 comparisons of strings are TypeErrors, == and != included, also against a number
reduction = "mean"
if reduction == "mean":
    print("never")
# expect-error: TypeError: '==' does not apply to a string and a string
# expect-error-line: 3
