"""f-strings as training scripts print: specs, 0-d tensors as numbers, !r, nesting."""
import torch
import torch.nn.functional as F

w = torch.tensor([0.5, -0.25], requires_grad=True)
xs = torch.tensor([[1.0, 2.0], [0.5, -1.0], [-1.5, 0.25]])
ys = torch.tensor([1.0, 0.0, 2.0])
lr = 0.1
for epoch in range(4):
    pred = xs @ w
    loss = F.mse_loss(pred, ys)
    loss.backward()
    with torch.no_grad():
        w -= lr * w.grad
    print(f"epoch {epoch:2d} | loss {loss.item():.6f} | {loss:10.4e} | grad norm {w.grad.norm():.5f}")
    w.grad = None
print(f"final w = {w}")
print(f"final w (repr) = {w!r}")
print(f"{'weights':>10}: {w[0]:+.3f} {w[1]:+.3f}")
print(f"loss node: {loss.grad_fn}, pred node: {pred.grad_fn!s}")
print(f"{loss=}")
width = 12
print(f"[{loss:{width}.{3}f}] [{'centered':^{width}}]")
print(f"{f'{epoch + 1} epochs'} of {len(ys)} samples, {{braces}}")
print(f"""summary:
  loss {loss.item():.8f}
  w    {w.detach()}""")
print(f"{torch.tensor(3.0)} {torch.tensor(2.5) * 2:.2f} {torch.tensor(True)}")
