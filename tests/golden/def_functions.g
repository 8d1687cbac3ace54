# §3 def with defaults, keywords and recursion
def f(a, b=2, c=3):
    return a + b * c
print(f(1))                 # expect: 7
print(f(1, 10))             # expect: 31
print(f(1, c=0))            # expect: 1
print(f(c=1, b=1, a=1))     # expect: 2
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)
print(fact(10))             # expect: 3628800
def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(15))              # expect: 610
def noreturn(x):
    y = x
print(noreturn(1))          # expect: None
def early(x):
    for i in range(10):
        if i == x:
            return i * 100
    return -1
print(early(3), early(20))  # expect: 300 -1
scale = 3
def uses_global(x): return x * scale
print(uses_global(2))       # expect: 6
def local_shadow(x):
    scale = 100
    return x * scale
print(local_shadow(2), scale)   # expect: 200 3
def sq(t): return t ** 2
x = tensor(3., requires_grad=True)
y = sq(x)
y.backward()
print(y, x.grad)            # expect: tensor(9., grad_fn=<PowBackward0>) tensor(6.)
d = 5
def default_at_def(v=d): return v
d = 6
print(default_at_def())     # expect: 5
print(f)                    # expect: <function f>
