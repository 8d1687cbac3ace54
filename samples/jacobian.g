# jacobian.g — Jacobians and Hessians of vector functions.
#
# jacobian(f, x) is the matrix of partial derivatives d f_i / d x_j; hessian(f, x) is the
# Jacobian of the gradient of a scalar function. Both also take a tensor already computed
# from x: jacobian(y, x).
#
# Run:  gradcli run samples/jacobian.g
#       gradcli run samples/jacobian.g --json    (J, det_spherical, H, H_rosen, J_softmax are variables)

# 1. Polar -> cartesian: (r, theta) -> (r cos theta, r sin theta). Its determinant is r,
#    the factor in dx dy = r dr dtheta.
def polar(p):
    r = p[0]; theta = p[1]
    return [r * cos(theta), r * sin(theta)]
p = tensor([2.0, pi / 6])
J = jacobian(polar, p)
print("J =", J)
print("det J =", det(J).item(), "  r =", p[0].item())

# 2. Spherical -> cartesian: det J = r^2 sin(phi), the volume element.
def spherical(q):
    r = q[0]; phi = q[1]; theta = q[2]
    return [r * sin(phi) * cos(theta), r * sin(phi) * sin(theta), r * cos(phi)]
q = tensor([3.0, pi / 3, pi / 4])
det_spherical = det(jacobian(spherical, q))
print("det J =", det_spherical.item(), "  r^2 sin(phi) =", (q[0]**2 * sin(q[1])).item())

# 3. The Hessian of the quadratic form x^T A x is A + A^T, at any x.
A = tensor([[2.0, 1.0, 0.0], [3.0, 4.0, -1.0], [0.5, 0.0, 1.0]])
def quad(x): return x @ A @ x
x = tensor([1.0, -2.0, 0.5])
H = hessian(quad, x)
print("H =", H)
print("A + A^T =", A + A.T)

# 4. Rosenbrock's function at its minimum (1, 1): H = [[802, -400], [-400, 200]].
def rosen(v): return (1 - v[0])**2 + 100 * (v[1] - v[0]**2)**2
H_rosen = hessian(rosen, ones(2))
print("Rosenbrock H at (1, 1) =", H_rosen)

# 5. jacobian(y, x) of a tensor already computed: softmax's Jacobian is diag(s) - s s^T.
u = tensor([0.3, -1.2, 0.7], requires_grad=True)
s = softmax(u)
J_softmax = jacobian(s, u)
print("softmax J =", J_softmax)
print("diag(s) - s s^T =", eye(3) * s - outer(s, s))
