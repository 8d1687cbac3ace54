# higher.g — derivatives of derivatives, checked against closed forms.
#
# Three ways to go beyond the first derivative:
#   1. grad(f) is itself a function, so grad(grad(grad(f))) is f''';
#   2. grad(y, x, create_graph=True) returns a derivative that is part of the graph,
#      so it can be differentiated again, as many times as you like;
#   3. a loop of grad(g) gives the Taylor coefficients of a function.
#
# Run:  gradcli run samples/higher.g
#       gradcli run samples/higher.g --json     (sin_derivs, derivs, fact are variables)

# 1. sin, differentiated four times, comes back to itself: cos, -sin, -cos, sin.
def f(x): return sin(x)
df = grad(f)
d2f = grad(df)
d3f = grad(d2f)
d4f = grad(d3f)
a = 0.5
sin_derivs = [df(a), d2f(a), d3f(a), d4f(a)]
closed = [cos(a), -sin(a), -cos(a), sin(a)]
print("sin', sin'', sin''', sin'''' at 0.5:", sin_derivs)
print("cos, -sin, -cos, sin at 0.5:        ", closed)

# 2. A chain of grad(y, x, create_graph=True). By Leibniz's rule,
#    d^n/dx^n (e^x x^2) = e^x (x^2 + 2n x + n(n-1)).
x = tensor(1.5, requires_grad=True)
y = exp(x) * x**2
d = y
derivs = zeros(5)
for n in range(1, 6):
    d = grad(d, x, create_graph=True)
    derivs[n - 1] = d
    leibniz = exp(x) * (x**2 + 2*n*x + n*(n - 1))
    print("n =", n, " autograd", d.item(), " Leibniz", leibniz.item())

# 3. Taylor coefficients: the n-th derivative of 1/(1 - x) = 1 + x + x^2 + ... at 0 is n!.
def geometric(x): return 1 / (1 - x)
h = geometric
fact = zeros(6)
for n in range(1, 7):
    h = grad(h)
    fact[n - 1] = h(0.0)
print("derivatives 1..6 of 1/(1-x) at 0:", fact)
