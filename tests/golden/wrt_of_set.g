# §10 --of names the output; --set binds before the script runs (and is marked by --wrt)
# args: --set a=2 --set b=3 --wrt a --wrt b --of p
p = a * b
s = a + b
print(s)                    # expect: tensor(5., grad_fn=<AddBackward0>)
# expect: p = tensor(6., grad_fn=<MulBackward0>)
# expect: dp/da = tensor(3.)
# expect: dp/db = tensor(2.)
