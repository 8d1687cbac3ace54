# §7 print(*values, sep=" ")
print(1, 2, 3)              # expect: 1 2 3
print(1, 2, 3, sep=", ")    # expect: 1, 2, 3
print("a", "b", sep="")     # expect: ab
print()                     # expect: 
print(ones(1), "and", [1, 2])   # expect: tensor([1.]) and [1, 2]
