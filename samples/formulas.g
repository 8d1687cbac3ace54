# formulas.g — the derivative as a formula: gradcli reads this run's trace as an expression.
#
# Newton's method for the square root of a, unrolled three steps from t = 1. The loop runs a
# fixed number of times, so the result is a rational function of a, and so is its derivative:
# --formula gives d root / d a in closed form, and with --set a=VALUE the numbers too (the
# formula is checked against them: "verified" in --json).
#
# Run:  gradcli run samples/formulas.g --wrt a --formula
#       gradcli run samples/formulas.g --wrt a --formula --set a=2
#       gradcli run samples/formulas.g --wrt a --latex
#       gradcli run samples/formulas.g --wrt a --formula --json

t = 1.0
for i in range(3):
    t = (t + a / t) / 2
root = t
