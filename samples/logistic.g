# logistic.g — logistic regression: a sigmoid, the log loss, and gradient descent.
#
# Ten points in the plane, five of each class, that a line separates. The model is
# p = sigmoid(X @ w + b); the loss is the mean negative log-likelihood (binary cross-entropy).
# The data are separable, so the loss keeps falling and every point ends up classified right.
#
# Run:  gradcli run samples/logistic.g
#       gradcli run samples/logistic.g --json    (output: the final loss; w, b, accuracy as variables)

X = [[ 2.0,  1.0], [ 1.5,  2.0], [ 3.0,  0.5], [ 2.5,  2.5], [ 1.0,  3.0],     # class 1
     [-1.0, -2.0], [-2.0, -0.5], [-1.5, -1.5], [-3.0,  1.0], [ 0.5, -3.0]]     # class 0
y = [1, 1, 1, 1, 1, 0, 0, 0, 0, 0]

def log_loss(p): return -(y * log(p) + (1 - y) * log(1 - p)).mean()

w = zeros(2, requires_grad=True)
b = zeros(1, requires_grad=True)
lr = 0.5
for epoch in range(200):
    loss = log_loss(sigmoid(X @ w + b))
    loss.backward()
    with no_grad():
        w -= lr * w.grad
        b -= lr * b.grad
    w.grad = None                              # reset, or the next backward adds to it
    b.grad = None
    if epoch % 50 == 0: print("epoch", epoch, " loss", loss.item())

p = sigmoid(X @ w + b)
accuracy = ((p > 0.5) == (y == 1)).mean()
print("accuracy", accuracy.item())
print("w =", w, " b =", b)
loss = log_loss(p)
print("final loss", loss.item())
