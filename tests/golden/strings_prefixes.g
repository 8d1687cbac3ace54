# §2 string prefixes: r (raw: backslashes stay), u (as Python 3: nothing), side-by-side literals join
print(r"C:\new\table")         # expect: C:\new\table
print(R'a\tb')                 # expect: a\tb
print(r"""raw \n over
two lines""")                  # expect: raw \n over
                               # expect: two lines
print(u"unicode")              # expect: unicode
print("one " 'two ' """three""")   # expect: one two three
print("A is \101, alpha is \N{GREEK SMALL LETTER ALPHA}, \x41\u0042")   # expect: A is A, alpha is α, AB
msg = ("a long message "
       "written over "
       "three lines")
print(msg)                     # expect: a long message written over three lines
r = 2                          # `r` and `f` are still names
f = 3
print(r * f)                   # expect: 6
