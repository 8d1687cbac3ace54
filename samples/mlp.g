# mlp.g — a small neural network trained by hand-written gradient descent.
#
# A 1-16-1 multilayer perceptron with a tanh hidden layer learns y = sin(x) on [-pi, pi]
# from 32 evenly spaced points. Each step is the PyTorch training loop spelled out:
# forward, loss.backward(), an SGD update under no_grad (in place, so the weights stay
# leaves), then zero_grad so the next backward does not add to old gradients.
#
# Run:  gradcli run samples/mlp.g
#       gradcli run samples/mlp.g --json     (the final loss is the output; the weights are variables)

seed(0)
x = linspace(-pi, pi, 32).reshape(32, 1)       # inputs, one per row
y = sin(x)                                     # targets

w1 = randn(1, 16, requires_grad=True)
b1 = zeros(16, requires_grad=True)
w2 = (randn(16, 1) * 0.1).requires_grad_()     # small output weights: training starts gently
b2 = zeros(1, requires_grad=True)
w1_init = w1.detach()                          # kept to replay the training elsewhere
w2_init = w2.detach()

def forward(x): return tanh(x @ w1 + b1) @ w2 + b2

lr = 0.05
for step in range(5000):
    loss = ((forward(x) - y) ** 2).mean()
    loss.backward()
    with no_grad():
        w1 -= lr * w1.grad
        b1 -= lr * b1.grad
        w2 -= lr * w2.grad
        b2 -= lr * b2.grad
    zero_grad(w1, b1, w2, b2)
    if step % 500 == 0: print("step", step, " loss", loss.item())

loss = ((forward(x) - y) ** 2).mean()
print("final loss", loss.item())
print("prediction at pi/2:", forward(tensor([[pi / 2]])).item(), " (sin(pi/2) = 1)")
loss
