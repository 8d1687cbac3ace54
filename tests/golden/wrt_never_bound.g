# §10 a --wrt NAME the run never binds to a tensor is a NameError
# args: --wrt q
y = 3 * 4
# expect-error: NameError: q
