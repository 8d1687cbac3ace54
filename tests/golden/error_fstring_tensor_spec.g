# §2 a tensor of more than one element formats only with an empty spec: a TypeError, as PyTorch's
x = ones(3)
print(f"{x}")                  # expect: tensor([1., 1., 1.])
print(f"{x:.2f}")
# expect-error: TypeError: unsupported format string passed to Tensor.__format__
# expect-error-line: 4
# expect-stderr: error_fstring_tensor_spec.g:4:10
