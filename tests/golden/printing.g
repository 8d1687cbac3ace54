# §9 printing: PyTorch's repr for tensors, plain numbers, bools, None, tuples, strings
x = ones(2, 2, requires_grad=True)
print(x)                    # expect: tensor([[1., 1.],
                            # expect:         [1., 1.]], requires_grad=True)
y = x + 2
print(y)                    # expect: tensor([[3., 3.],
                            # expect:         [3., 3.]], grad_fn=<AddBackward0>)
print(y.grad_fn)            # expect: <AddBackward0>
out = (y * y * 3).mean()
print(out)                  # expect: tensor(27., grad_fn=<MeanBackward0>)
print(tensor([1., 1.], requires_grad=True))   # expect: tensor([1., 1.], requires_grad=True)
print(tensor(4.5))          # expect: tensor(4.5000)
print(tensor([1.5, -2.25]))  # expect: tensor([ 1.5000, -2.2500])
print(tensor([1e-5, 1.]))   # expect: tensor([1.0000e-05, 1.0000e+00])
print(3, 4.5, -1)           # expect: 3 4.5 -1
print(True, False, None)    # expect: True False None
print(x.shape, tensor(1.).shape, ones(3).shape)   # expect: (2, 2) () (3,)
print((1, 2), (5,))         # expect: (1, 2) (5,)
print(x.requires_grad, x.is_leaf, y.is_leaf)      # expect: True True False
print(zeros(0))             # expect: tensor([])
print(tensor([True, False]) == tensor([True, True]))  # expect: tensor([ True, False])
print("a", "b", sep="-")    # expect: a-b
print()                     # expect: 
print(ones(2, 1, 2))        # expect: tensor([[[1., 1.]],
                            # expect: 
                            # expect:         [[1., 1.]]])
