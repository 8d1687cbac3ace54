# §3 with no_grad(): ops record no graph; enable_grad() turns it back on
x = tensor(2., requires_grad=True)
with no_grad():
    y = x * 3
    with enable_grad():
        z = x * 4
    u = x + 1
print(y, y.requires_grad)   # expect: tensor(6.) False
print(z, z.requires_grad)   # expect: tensor(8., grad_fn=<MulBackward0>) True
print(u.grad_fn)            # expect: None
v = x * 5
print(v.requires_grad)      # expect: True
with torch.no_grad():
    print(torch.is_grad_enabled())   # expect: False
print(torch.is_grad_enabled())       # expect: True
with no_grad(): w = x ** 2
print(w)                    # expect: tensor(4.)
