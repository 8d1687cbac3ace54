# §8 backward of a tensor that does not require grad names the fix
x = ones(3)
loss = (x * 2).sum()
loss.backward()
# expect-error: GradError: does not require grad
# expect-error-line: 4
# expect-stderr: requires_grad=True
# expect-stderr: --wrt
