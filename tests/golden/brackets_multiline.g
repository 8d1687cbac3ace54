# §2 newlines inside () and [] are ignored; indentation inside brackets does not matter
m = tensor([
    [1., 2.],
        [3., 4.],
])
print(m.shape)              # expect: (2, 2)
total = sum(
  m,
  axis=0
)
print(total)                # expect: tensor([4., 6.])
def f(a,
      b=(1 +
         2)):
    return a * b
print(f(2))                 # expect: 6
x = (1 +
2 +
3)
print(x)                    # expect: 6
