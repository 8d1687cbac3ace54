# projectile.g — aiming through a simulation: gradient descent on a launch angle.
#
# A ball leaves the ground at speed v and angle theta and flies with linear air drag
# (acceleration -k * velocity, plus gravity). fly(theta) steps it forward in a while loop
# until it comes down, then solves for the exact moment it touches y = 0 within the last
# step. Autograd differentiates straight through the loop, the branch and the square root,
# so gradient descent on (fly(theta) - target)^2 finds the angle that lands on the target.
#
# Without drag the answer is known in closed form, R = v^2 sin(2 theta) / g, and the
# simulation reproduces it and its derivative 2 v^2 cos(2 theta) / g to rounding.
#
# Run:  gradcli run samples/projectile.g
#       gradcli run samples/projectile.g --wrt theta     (metres of range per radian of aim)

g = 9.81          # m/s^2
v = 20.0          # launch speed, m/s
k = 0.1           # drag coefficient, 1/s
dt = 0.01         # time step, s
target = 30.0     # m

def fly(theta, drag=k):
    x = 0; y = 0
    vx = v * cos(theta); vy = v * sin(theta)
    while True:
        ax = -drag * vx; ay = -g - drag * vy          # acceleration, held for one step
        y_new = y + vy * dt + ay * dt**2 / 2
        if y_new < 0:                                 # lands during this step: solve for when
            s = (vy + sqrt(vy**2 - 2 * ay * y)) / -ay
            return x + vx * s + ax * s**2 / 2
        x = x + vx * dt + ax * dt**2 / 2; y = y_new
        vx = vx + ax * dt; vy = vy + ay * dt

def miss(theta): return (fly(theta) - target) ** 2
dmiss = grad(miss)

theta = 0.3       # radians: too low, the ball falls short
lr = 3e-4
step = 0
while abs(fly(theta) - target) > 1e-8:
    with no_grad(): theta -= lr * dmiss(theta)
    step += 1
    print("step", step, " theta", theta.item(), " lands at", fly(theta).item())
print("aim at", (theta * 180 / pi).item(), "degrees")

def fly_no_drag(theta): return fly(theta, 0)
print("no drag: simulated", fly_no_drag(theta).item(), " closed form", (v**2 * sin(2*theta) / g).item())
print("no drag: d/dtheta  ", grad(fly_no_drag)(theta).item(), " closed form", (2 * v**2 * cos(2*theta) / g).item())

dist = fly(theta)
