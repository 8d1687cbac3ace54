# §3 `name op= expr` is `name = name op expr`, out of place
x = 10
x += 5
print(x)                    # expect: 15
x -= 3
print(x)                    # expect: 12
x *= 2
print(x)                    # expect: 24
x /= 8
print(x)                    # expect: 3.0
t = ones(2)
alias = t
t += 1
print(t, alias)             # expect: tensor([2., 2.]) tensor([1., 1.])
# on a tensor that requires grad, with grad mode on, it records a graph node
w = tensor([1., 2.], requires_grad=True)
w0 = w
w += 1
print(w)                    # expect: tensor([2., 3.], grad_fn=<AddBackward0>)
print(w0)                   # expect: tensor([1., 2.], requires_grad=True)
w.sum().backward()
print(w0.grad)              # expect: tensor([1., 1.])
s = "ab"
s += "cd"
print(s)                    # expect: abcd
