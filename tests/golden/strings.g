# §2 strings: "..." or '...'; + joins two strings
print("double" + ' single')   # expect: double single
s = 'it' + "'s"
print(s)                      # expect: it's
print("a" + "b" + "c")        # expect: abc
print("tab\tand\\backslash")  # expect: tab	and\backslash
print("")                     # expect: 
print("中文" + "字符串")        # expect: 中文字符串
print(len("abc"))             # expect: 3
