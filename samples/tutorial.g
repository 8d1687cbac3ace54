# tutorial.g — the PyTorch autograd tutorial, in G (docs/language.md §1).
# Try: gradcli run samples/tutorial.g --explain --of out   (the chain rule, step by step)
x = ones(2, 2, requires_grad=True)
y = x + 2
print(y.grad_fn)            # <AddBackward0>
z = y * y * 3
out = z.mean()
out.backward()
print(x.grad)               # tensor([[4.5000, 4.5000], [4.5000, 4.5000]])

x = randn(3, requires_grad=True)
y = x * 2; while norm(y) < 1000: y = y * 2
y.backward([0.1, 1.0, 0.0001])
print(x.grad)               # [0.1, 1.0, 0.0001] times 2**k
