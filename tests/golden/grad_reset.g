# §3 `name.grad = None` resets an accumulated gradient; zero_grad(t, …) does it for several
x = tensor(3., requires_grad=True)
w = tensor(2., requires_grad=True)
(x * w).backward()
print(x.grad, w.grad)       # expect: tensor(2.) tensor(3.)
x.grad = None
print(x.grad)               # expect: None
(x * w).backward()
print(x.grad, w.grad)       # expect: tensor(2.) tensor(6.)
zero_grad(x, w)
print(x.grad, w.grad)       # expect: None None
(x * w).backward()
zero_grad([x, w])
print(x.grad, w.grad)       # expect: None None
x.grad = ones_like(x) * 5
print(x.grad)               # expect: tensor(5.)
