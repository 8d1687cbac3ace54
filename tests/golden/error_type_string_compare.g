# §2 only + applies to strings (it joins two): comparing strings is a TypeError, as - and * are
s = "a" + "b"
print(s)                    # expect: ab
print("a" < "b")
# expect-error: TypeError: '<' does not apply to a string and a string: strings do not compare
# expect-error-line: 4
