# §3 `name = expr` binds; rebinding replaces; a list literal bound to a name becomes a tensor (§4)
a = 2
b = a
a = 5
print(a, b)                 # expect: 5 2
v = [1, 2, 3]
print(v)                    # expect: tensor([1., 2., 3.])
print(v.shape)              # expect: (3,)
m = [[1, 2], [3, 4]]
print(m.shape)              # expect: (2, 2)
x = tensor(2., requires_grad=True)
w = [x, 2 * x]
print(w)                    # expect: tensor([2., 4.], grad_fn=<StackBackward0>)
ragged = [ones(2), ones(3)]
print(len(ragged))          # expect: 2
print(ragged[1])            # expect: tensor([1., 1., 1.])
s = "text"
print(s)                    # expect: text
n = None
print(n)                    # expect: None
