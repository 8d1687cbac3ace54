# §3 The SGD step under no_grad updates the leaf in place: same identity, requires_grad, .grad
w = tensor([1., 2.], requires_grad=True)
same = w                    # another name for the same leaf
before = w.detach()         # values taken earlier keep the old numbers (§5)
loss = (w * w).sum()
loss.backward()
g = w.grad
print(g)                    # expect: tensor([2., 4.])
with no_grad():
    w -= 0.25 * w.grad
print(w)                    # expect: tensor([0.5000, 1.0000], requires_grad=True)
print(same)                 # expect: tensor([0.5000, 1.0000], requires_grad=True)
print(w.is_leaf, w.requires_grad, w.grad_fn)   # expect: True True None
print(w.grad)               # expect: tensor([2., 4.])
print(before)               # expect: tensor([1., 2.])
# a graph recorded before the update keeps the old numbers: loss still sees w = [1, 2]
loss.backward()
print(w.grad)               # expect: tensor([4., 8.])
print(g)                    # expect: tensor([2., 4.])
# the loop of a training step: zero the gradient, recompute, step
w.grad = None
for i in range(3):
    loss = ((w - 3) ** 2).sum()
    loss.backward()
    with no_grad():
        w -= 0.25 * w.grad
    w.grad = None
print(w)                    # expect: tensor([2.6875, 2.7500], requires_grad=True)
with no_grad():
    w *= 2
    w /= 4
    w += 1
print(w)                    # expect: tensor([2.3438, 2.3750], requires_grad=True)
