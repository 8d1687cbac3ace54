# §5 round rounds half to even, as NumPy and PyTorch do
print(round(tensor([0.5, 1.5, 2.5, 3.5, -0.5, -1.5, 0.4, 0.6])))
# expect: tensor([ 0.,  2.,  2.,  4., -0., -2.,  0.,  1.])
print(round(2.5).item(), round(3.5).item())   # expect: 2.0 4.0
x = tensor(2.5, requires_grad=True)
r = round(x)
r.backward()
print(r, x.grad)            # expect: tensor(2., grad_fn=<RoundBackward0>) tensor(0.)
