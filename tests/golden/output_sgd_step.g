# §10 the default output: an augmented assignment counts, the in-place SGD step under no_grad
# included, and its tensor is w — also when `w.grad = None` or `zero_grad(w)` and a print follow
# args: --wrt x
x = tensor(3.)
w = tensor(2., requires_grad=True)
loss = w * x
loss.backward()
with no_grad():
    w -= 0.5 * w.grad
w.grad = None
zero_grad(w)
print("stepped")            # expect: stepped
# expect: w = tensor(0.5000, requires_grad=True)
# expect: dw/dx = tensor(0.)
