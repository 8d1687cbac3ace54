# §1 the PyTorch autograd tutorial, in G
x = ones(2, 2, requires_grad=True)
print(x)                    # expect: tensor([[1., 1.],
                            # expect:         [1., 1.]], requires_grad=True)
y = x + 2
print(y.grad_fn)            # expect: <AddBackward0>
z = y * y * 3
out = z.mean()
print(z, out)               # expect: tensor([[27., 27.],
                            # expect:         [27., 27.]], grad_fn=<MulBackward0>) tensor(27., grad_fn=<MeanBackward0>)
out.backward()
print(x.grad)               # expect: tensor([[4.5000, 4.5000],
                            # expect:         [4.5000, 4.5000]])
seed(0)
x = randn(3, requires_grad=True)
y = x * 2; while norm(y) < 1000: y = y * 2
y.backward([0.1, 1.0, 0.0001])
k = y[0] / x[0]
print(k == 512 or k == 1024 or k == 2048 or k == 256)   # expect: True
print(all(x.grad == tensor([0.1, 1.0, 0.0001]) * k))   # expect: tensor(True)
print(x.requires_grad)                   # expect: True
with no_grad():
    print((x ** 2).requires_grad)        # expect: False
