# newton.g — Newton's method, with the derivatives supplied by autograd.
#
# grad(f) turns a function into the function computing its derivative, so Newton's
# update x <- x - f(x) / f'(x) needs no hand-written derivative; grad(grad(g)) is g'',
# and hessian() gives the matrix for Newton's method in several variables.
#
# Run:  gradcli run samples/newton.g
#       gradcli run samples/newton.g --json      (the root is the output; xmin, vmin are variables)

# 1. A root: Wallis's cubic x^3 - 2x - 5 = 0, the example Newton himself used.
#    Quadratic convergence: the number of correct digits doubles at every step.
def f(x): return x**3 - 2*x - 5
df = grad(f)

x = 2.0
for i in range(1, 8):
    x = x - f(x) / df(x)
    print("iteration", i, " x =", x.item(), " f(x) =", f(x).item())
    if abs(f(x)) < 1e-12: break
root = x                        # 2.0945514815423265...

# 2. A minimum: Newton's method on g' = 0, with g'' = grad(grad(g)).
#    g(x) = x^4 - 3x^3 + 2 has g'(x) = x^2 (4x - 9): its minimum is at x = 9/4.
def g(x): return x**4 - 3*x**3 + 2
dg = grad(g)
d2g = grad(dg)

x = 3.0
for i in range(1, 20):
    step = dg(x) / d2g(x)
    x = x - step
    if abs(step) < 1e-12: break
print("minimum of x^4 - 3x^3 + 2 at x =", x.item(), "after", i, "iterations; exact: 9/4 =", 9/4)
xmin = x

# 3. Several variables: the Newton step is H^-1 grad. Rosenbrock's banana valley,
#    from the classic start (-1.2, 1), reaches the minimum (1, 1) in a few steps.
def rosen(v): return (1 - v[0])**2 + 100 * (v[1] - v[0]**2)**2
v = tensor([-1.2, 1.0])
for i in range(1, 20):
    v = v - inv(hessian(rosen, v)) @ grad(rosen)(v)
    if rosen(v) < 1e-20: break
print("Rosenbrock minimum", v, "after", i, "Newton steps")
vmin = v

root
