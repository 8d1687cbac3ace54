# §8 .grad_fn prints as PyTorch names it
x = tensor([1., 2.], requires_grad=True)
m = ones(2, 2, requires_grad=True)
print((x + 1).grad_fn, (x - 1).grad_fn, (x * 2).grad_fn, (x / 2).grad_fn, (-x).grad_fn)
# expect: <AddBackward0> <SubBackward0> <MulBackward0> <DivBackward0> <NegBackward0>
print((x ** 2).grad_fn, x.sum().grad_fn, x.mean().grad_fn, (m @ m).grad_fn, (m @ x).grad_fn, dot(x, x).grad_fn)
# expect: <PowBackward0> <SumBackward0> <MeanBackward0> <MmBackward0> <MvBackward0> <DotBackward0>
print(x[0].grad_fn, x[0:1].grad_fn, x.reshape(2, 1).grad_fn, stack([x, x]).grad_fn, cat([x, x]).grad_fn)
# expect: <SelectBackward0> <SliceBackward0> <ViewBackward0> <StackBackward0> <CatBackward0>
print(exp(x).grad_fn, log(x).grad_fn, relu(x).grad_fn, sigmoid(x).grad_fn, tanh(x).grad_fn)
# expect: <ExpBackward0> <LogBackward0> <ReluBackward0> <SigmoidBackward0> <TanhBackward0>
print(x.sum(axis=0).grad_fn, m.mean(axis=0).grad_fn)   # expect: <SumBackward1> <MeanBackward1>
print(x.detach().grad_fn, x.grad_fn)                     # expect: None None
