# §8 create_graph=True makes the gradient differentiable: grad(grad(y, x, create_graph=True), x)
x = tensor(2., requires_grad=True)
y = x ** 3
d1 = grad(y, x, create_graph=True)
print(d1.item(), d1.requires_grad)   # expect: 12.0 True
d2 = grad(d1, x, create_graph=True)
print(d2.item())                      # expect: 12.0
d3 = grad(d2, x)
print(d3)                             # expect: tensor(6.)
# backward with create_graph=True: x.grad is itself differentiable
z = tensor(1., requires_grad=True)
(z ** 4).backward(create_graph=True)
g = z.grad
print(g.requires_grad)                # expect: True
print(grad(g, z))                     # expect: tensor(12.)
# grad(f) is the function computing f's gradient; grad(grad(f)) the second derivative
def f(t): return t ** 3 + 2 * t
df = grad(f)
print(df(tensor(2.)))                 # expect: tensor(14.)
print(grad(grad(f))(tensor(2.)))      # expect: tensor(12.)
print(grad(grad(grad(f)))(tensor(5.)))   # expect: tensor(6.)
print(grad(sin)(tensor(0.)))          # expect: tensor(1.)
