# §3 the no_grad update also works on a parameter passed to a function (it is the same leaf)
w = tensor([1., 2.], requires_grad=True)
def step(p, lr=0.5):
    with no_grad():
        p -= lr * p.grad
    p.grad = None
(w * w).sum().backward()
step(w)
print(w, w.grad)            # expect: tensor([0., 0.], requires_grad=True) None
def set_first(v):
    v[0] = 100              # out of place: the caller's tensor is unchanged
    return v
a = zeros(2)
print(set_first(a), a)      # expect: tensor([100.,   0.]) tensor([0., 0.])
