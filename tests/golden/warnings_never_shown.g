# §5 §11 IEEE arithmetic and empty reductions give inf and nan, as PyTorch, and no Python or NumPy
# warning is ever printed (empty slices, divide, overflow, invalid)
print(ones(0).mean())                  # expect: tensor(nan)
print(var(ones(1)), std(ones(0)))      # expect: tensor(nan) tensor(nan)
print(mean(zeros(0, 2), axis=0))       # expect: tensor([nan, nan])
print(1 / zeros(2), log(zeros(1)))     # expect: tensor([inf, inf]) tensor([-inf])
print(zeros(2) / zeros(2))             # expect: tensor([nan, nan])
print(tensor(1e308) * 10, exp(tensor(1000.)))   # expect: tensor(inf) tensor(inf)
print(sqrt(-ones(1)), (-8) ** (1/3))   # expect: tensor([nan]) nan
print(sum(zeros(0)), prod(zeros(0)))   # expect: tensor(0.) tensor(1.)
x = zeros(0, requires_grad=True)
y = x.mean()
y.backward()
print(x.grad)                          # expect: tensor([])
