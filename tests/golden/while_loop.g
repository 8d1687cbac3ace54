# §3 while
i = 0
total = 0
while i < 5:
    total += i
    i += 1
print(i, total)             # expect: 5 10
x = tensor(1., requires_grad=True)
y = x * 2
while norm(y) < 1000:
    y = y * 2
print(y)                    # expect: tensor(1024., grad_fn=<MulBackward0>)
y.backward()
print(x.grad)               # expect: tensor(1024.)
n = 0
while False:
    n = 1
print(n)                    # expect: 0
