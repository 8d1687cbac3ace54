# §5 IEEE arithmetic, no warnings
print(1/0)                  # expect: inf
print(-1/0)                 # expect: -inf
print(0/0)                  # expect: nan
print(log(0))               # expect: tensor(-inf)
print((-8)**(1/3))          # expect: nan
print(sqrt(-1))             # expect: tensor(nan)
print(tensor([1., 0.]) / 0) # expect: tensor([inf, nan])
print(exp(1000))            # expect: tensor(inf)
print(inf - inf, -inf, nan == nan)   # expect: nan -inf False
print(isnan(0/0), isinf(1/0))        # expect: tensor(True) tensor(True)
x = tensor(0., requires_grad=True)
y = sqrt(x)
y.backward()
print(x.grad)               # expect: tensor(inf)
