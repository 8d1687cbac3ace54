# §7 empty tensors as in PyTorch: softmax of nothing is empty; max, min and the inf-norm over an
# axis of size 0 are errors (they have no identity), over the other axes they are empty
print(softmax(zeros(0)), log_softmax(zeros(2, 0)))   # expect: tensor([]) tensor([], size=(2, 0))
print(max(zeros(0, 3), axis=1))           # expect: tensor([])
print(norm(zeros(0, 3), p=inf, axis=1))   # expect: tensor([])
z = zeros(0, 3, requires_grad=True)
max(z, axis=1).sum().backward()
print(z.grad)                             # expect: tensor([], size=(0, 3))
print(mean(zeros(3, 0), axis=1))          # expect: tensor([nan, nan, nan])
print(max(zeros(3, 0), axis=1))
# expect-error: ValueError: max() over an axis of size 0
# expect-error-line: 10
