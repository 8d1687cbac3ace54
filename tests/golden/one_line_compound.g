# §3 a compound statement may follow `;` on a line; its body is the rest of the line
y = 1; while y < 100: y = y * 3
print(y)                    # expect: 243
n = 0; for i in range(4): n += i; n += 1
print(n)                    # expect: 10
a = 1; b = 2; if a < b: print("a < b"); print("second")
# expect: a < b
# expect: second
x = tensor(1., requires_grad=True)
y = x * 2; while norm(y) < 1000: y = y * 2
print(y)                    # expect: tensor(1024., grad_fn=<MulBackward0>)
def sq(v): return v * v
print(sq(4))                # expect: 16
x = 1; y = 2;
print(x + y)                # expect: 3
