# §10 out-of-place op= and NAME[i] = v count as assignments (their name is the output's);
# statements whose value is not a tensor do not
# args: --wrt x
x = tensor([1., 2.])
y = x * 3
y -= x
y[0] = x[1] ** 2
s = "end"
s += "."
print(s)                    # expect: end.
# expect: y = tensor([4., 4.], grad_fn=<CopySlices>)
# expect: dy/dx = tensor([[0., 4.],
# expect:                 [0., 2.]])
