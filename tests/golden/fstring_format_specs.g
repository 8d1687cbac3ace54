# §2 format specs as Python's: numbers, strings, bools; plain numbers keep int/float as Python
loss = 0.123456789
for i in range(3):
    print(f"step {i:3d} | loss {loss / (i + 1):.4f} | {i:>4} | {i:<3}| {i:03}")
# expect: step   0 | loss 0.1235 |    0 | 0  | 000
# expect: step   1 | loss 0.0617 |    1 | 1  | 001
# expect: step   2 | loss 0.0412 |    2 | 2  | 002
print(f"{1234567.891:,.2f} {0.5:%} {1e-5:.2e} {255:x} {255:#b} {7.0:g} {-3:+d}")
# expect: 1,234,567.89 50.000000% 1.00e-05 ff 0b11111111 7 -3
print(f"[{'left':<8}] [{'right':>8}] [{'mid':^7}] [{'pad':*^9}]")
# expect: [left    ] [   right] [  mid  ] [***pad***]
width = 10
digits = 3
print(f"[{3.14159265:{width}.{digits}f}] [{'x':>{width}}]")   # expect: [     3.142] [         x]
print(f"{True} {True:d} {False:>6}")                  # expect: True 1      0
print(f"{2.5} {2.0} {3} {10 / 4} {7 if True else 1}")   # expect: 2.5 2.0 3 2.5 7
# a 0-d tensor formats as its number, as PyTorch's Tensor.__format__ (format(t.item(), spec))
t = tensor(2.0, requires_grad=True)
print(f"{t} {t:.3f} {t * 3:6.2f} {t.sum():e}")         # expect: 2.0 2.000   6.00 2.000000e+00
print(f"{tensor(True)} {tensor(5.0) > 3}")             # expect: True True
# an f-string is a string: + joins it
print(f"{1}" + "2")                                    # expect: 12
