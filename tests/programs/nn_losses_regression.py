"""mse_loss, l1_loss, smooth_l1_loss and huber_loss with every reduction and their parameters."""
import torch
import torch.nn.functional as F

pred = torch.tensor([[0.5, -1.2, 2.0], [1.5, 0.3, -0.7]], requires_grad=True)
target = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, -0.5]])
for reduction in ["mean", "sum", "none"]:
    for case in [("mse", F.mse_loss(pred, target, reduction=reduction)),
                       ("l1", F.l1_loss(pred, target, reduction=reduction)),
                       ("smooth_l1", F.smooth_l1_loss(pred, target, reduction=reduction)),
                       ("smooth_l1 beta=0.5", F.smooth_l1_loss(pred, target, reduction=reduction, beta=0.5)),
                       ("smooth_l1 beta=0", F.smooth_l1_loss(pred, target, reduction=reduction, beta=0.0)),
                       ("huber", F.huber_loss(pred, target, reduction=reduction)),
                       ("huber delta=0.4", F.huber_loss(pred, target, reduction=reduction, delta=0.4))]:
        name = case[0]
        loss = case[1]
        loss.sum().backward()
        print(f"{name:>18} {reduction:>4}: {loss.grad_fn}")
        print(loss)
        print(pred.grad)
        pred.grad = None
row = torch.tensor([0.25, -0.5, 1.0], requires_grad=True)
loss = F.mse_loss(row, target)
loss.backward()
print(f"broadcast target: {loss.item():.10f}")
print(row.grad)
