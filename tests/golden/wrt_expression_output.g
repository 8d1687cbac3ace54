# §10 the default output is the last top-level expression statement or assignment
# args: --wrt x
x = 2
y = x ** 3
x ** 2 + 1
print("printing does not count")   # expect: printing does not count
# expect: value = tensor(5., grad_fn=<AddBackward0>)
# expect: d/dx = tensor(4.)
