# §4 comparisons chain: 0 < x < 1 is 0 < x and x < 1
x = 0.5
print(0 < x < 1)            # expect: True
print(0 < x < 0.25)         # expect: False
print(1 < 2 > 3)            # expect: False
print(1 <= 1 == 1 != 2)     # expect: True
print(3 > 2 >= 2 > 1)       # expect: True
t = tensor(0.5)
print(0 < t < 1)            # expect: True
print(tensor([1., 2.]) == tensor([1., 3.]))   # expect: tensor([ True, False])
print(2 == 2.0, 2 != 3)     # expect: True True
print(None == None, None != None)             # expect: True False
