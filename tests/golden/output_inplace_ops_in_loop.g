# §10 every in-place op= under no_grad in a top-level loop counts (its tensor is the leaf); the
# target of a `for` is not an assignment statement and does not count
# args: --wrt w
w = tensor([1., 3.], requires_grad=True)
y = w * 2
for i in range(2):
    with no_grad():
        w *= 2
        w /= 4
        w += 1
for row in ones(2, 2):
    pass
print(y)                    # expect: tensor([2., 6.], grad_fn=<MulBackward0>)
# expect: w = tensor([1.7500, 2.2500], requires_grad=True)
# expect: dw/dw = tensor([[1., 0.],
# expect:                 [0., 1.]])
