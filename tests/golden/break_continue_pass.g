# §3 break, continue, pass
for i in range(10):
    if i == 1:
        continue
    if i == 4:
        break
    print(i)
# expect: 0
# expect: 2
# expect: 3
i = 0
while True:
    i += 1
    if i < 3: continue
    break
print(i)                    # expect: 3
for i in range(3):
    for j in range(3):
        if j == 1: break
        print(i, j)
# expect: 0 0
# expect: 1 0
# expect: 2 0
def nothing():
    pass
print(nothing())            # expect: None
if True: pass
while False: pass
print("done")               # expect: done
