# §2 triple-quoted strings span lines, keep their newlines and take the escapes of §2
s = """first line
second line"""
print(s)                       # expect: first line
                               # expect: second line
t = '''single "quotes" and 'one' inside'''
print(t)                       # expect: single "quotes" and 'one' inside
print("""tab\there""")         # expect: tab	here
print("""joined \
by a backslash""")             # expect: joined by a backslash
print(len("""ab
c"""))                         # expect: 4
# a triple-quoted string in brackets, as an argument, next to code on the same line
print("""x""", 1); print('''y''')
# expect: x 1
# expect: y
print("""a""" + '''b''')       # expect: ab
