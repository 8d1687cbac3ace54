# §3 (silent in the contract; as in Python) a nested def sees the variables of the enclosing function
def outer(a):
    def inner(b):
        return a + b
    return inner(10)
print(outer(1))             # expect: 11
def make_scaler(k):
    def scale(v): return v * k
    return scale
triple = make_scaler(3)
print(triple(5), make_scaler(2)(5))   # expect: 15 10
def nested_recursion():
    def fact(n): return 1 if n <= 1 else n * fact(n - 1)
    return fact(5)
print(nested_recursion())   # expect: 120
def loss_of(w):
    def model(x): return w * x
    return (model(tensor([1., 2.])) ** 2).sum()
w = tensor(3., requires_grad=True)
print(grad(loss_of(w), w))  # expect: tensor(30.)
