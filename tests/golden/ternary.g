# §4 a if c else b
x = 5
print("big" if x > 3 else "small")   # expect: big
print("big" if x > 30 else "small")  # expect: small
y = 1 if x < 0 else 2 if x < 10 else 3
print(y)                    # expect: 2
def relu1(v): return v if v > 0 else 0 * v
a = tensor(-2., requires_grad=True)
r = relu1(a)
r.backward()
print(r, a.grad)            # expect: tensor(-0., grad_fn=<MulBackward0>) tensor(0.)
