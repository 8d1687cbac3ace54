# §3 if / elif / else, as a block and on one line
def classify(v):
    if v < 0:
        return "negative"
    elif v == 0:
        return "zero"
    elif v < 10:
        return "small"
    else:
        return "large"
print(classify(-2))         # expect: negative
print(classify(0))          # expect: zero
print(classify(3))          # expect: small
print(classify(30))         # expect: large
x = 5
if x > 3: print("big"); print("still big")
else: print("small")
# expect: big
# expect: still big
if x > 100: print("no")
if tensor(1.): print("one-element tensors have a truth value")   # expect: one-element tensors have a truth value
if not None: print("None is false")                               # expect: None is false
if ones(1) > 0:
    print("yes")            # expect: yes
