# §3 for over range(a, b, s)
for i in range(3):
    print(i)
# expect: 0
# expect: 1
# expect: 2
for i in range(2, 10, 3): print(i)
# expect: 2
# expect: 5
# expect: 8
for i in range(5, 0, -2): print(i)
# expect: 5
# expect: 3
# expect: 1
for i in range(0): print("never")
print(i)                    # expect: 1
total = 0
for k in range(1, 101):
    total += k
print(total)                # expect: 5050
print(range(4), len(range(4)))   # expect: range(0, 4) 4
