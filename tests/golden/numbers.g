# §2 number literals
print(2)                    # expect: 2
print(2.5)                  # expect: 2.5
print(.5)                   # expect: 0.5
print(1e-3)                 # expect: 0.001
print(6.02E23)              # expect: 6.02e+23
print(1e3, 2.)              # expect: 1000.0 2.0
print(10 / 4, 10 / 5)       # expect: 2.5 2.0
print(3 * 4, 2 ** 10)       # expect: 12 1024
print(tensor(.5), tensor(1e-3), tensor(6.02E23))   # expect: tensor(0.5000) tensor(0.0010) tensor(6.0200e+23)
print(0.1 + 0.2)            # expect: 0.30000000000000004
