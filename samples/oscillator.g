# oscillator.g — sensitivity of a simulation to its parameters, with --wrt.
#
# A damped harmonic oscillator x'' + 2 zeta omega x' + omega^2 x = 0, released from x = 1
# at rest, integrated with the classic 4th-order Runge-Kutta scheme in a while loop up to
# time T. Run with --wrt, gradcli differentiates the final position x(T) through all
# 500 steps w.r.t. the damping ratio zeta and the natural frequency omega.
# The closed form x(t) = e^(-zeta omega t) (cos(wd t) + zeta omega / wd sin(wd t)),
# wd = omega sqrt(1 - zeta^2), and its derivative by grad(f) are printed for comparison.
#
# Run:  gradcli run samples/oscillator.g --wrt zeta --wrt omega
#       gradcli run samples/oscillator.g --wrt zeta --json

omega = 2.0       # natural frequency, rad/s
zeta = 0.1        # damping ratio (under 1: it oscillates)
dt = 0.01
T = 5.0

def accel(x, v): return -2 * zeta * omega * v - omega**2 * x

x = 1.0; v = 0.0; t = 0.0
while t < T - dt / 2:
    k1x = v;                 k1v = accel(x, v)
    k2x = v + dt/2 * k1v;    k2v = accel(x + dt/2 * k1x, v + dt/2 * k1v)
    k3x = v + dt/2 * k2v;    k3v = accel(x + dt/2 * k2x, v + dt/2 * k2v)
    k4x = v + dt * k3v;      k4v = accel(x + dt * k3x, v + dt * k3v)
    x = x + dt/6 * (k1x + 2*k2x + 2*k3x + k4x)
    v = v + dt/6 * (k1v + 2*k2v + 2*k3v + k4v)
    t = t + dt

def closed_form(zeta):
    wd = omega * sqrt(1 - zeta**2)
    return exp(-zeta * omega * T) * (cos(wd * T) + zeta * omega / wd * sin(wd * T))

print("x(T) simulated:", x.item(), "  closed form:", closed_form(zeta).item())
print("d x(T) / d zeta of the closed form:", grad(closed_form)(zeta).item())
x_T = x
