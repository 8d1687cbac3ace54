# §8 backward accumulates into .grad; a second backward through the same graph adds again
x = tensor(3., requires_grad=True)
y = x ** 2
y.backward()
print(x.grad)               # expect: tensor(6.)
first = x.grad
y.backward()
print(x.grad)               # expect: tensor(12.)
print(first)                # expect: tensor(6.)
z = 5 * x
backward(z)
print(x.grad)               # expect: tensor(17.)
# the intermediate y is not a leaf: it has no .grad
print(y.grad, y.is_leaf)    # expect: None False
# a shared input accumulates over every path
a = tensor(2., requires_grad=True)
b = a * a + a * 3 + a
b.backward()
print(a.grad)               # expect: tensor(8.)
v = tensor([1., 2., 3.], requires_grad=True)
(v * 2).backward(tensor([1., 0.5, 0.]))
print(v.grad)               # expect: tensor([2., 1., 0.])
(v * 2).backward(gradient=[1, 1, 1])
print(v.grad)               # expect: tensor([4., 3., 2.])
