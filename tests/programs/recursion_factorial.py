import torch
def power(x, n):
    if n == 0:
        return torch.ones_like(x)
    return x * power(x, n - 1)
x = torch.tensor([1.5, -0.5], requires_grad=True)
y = power(x, 5)
print(y)
y.sum().backward()
print(x.grad)
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)
print(fib(10))
