# §7 torch.nn.functional: the losses of the PyTorch tutorials, each with PyTorch's node name
import torch
import torch.nn.functional as F
from torch.nn import functional as nnf
z = torch.tensor([0.5, -1.0, 2.0], requires_grad=True)
y = torch.tensor([1.0, 0.0, 1.0])
loss = F.binary_cross_entropy_with_logits(z, y)
print(loss)                      # expect: tensor(0.3048, grad_fn=<BinaryCrossEntropyWithLogitsBackward0>)
loss.backward()
print(z.grad)                    # expect: tensor([-0.1258,  0.0896, -0.0397])
print(torch.nn.functional.mse_loss(z, y, reduction="sum"))   # expect: tensor(2.2500, grad_fn=<MseLossBackward0>)
print(nnf.l1_loss(z, y, reduction="none"))   # expect: tensor([0.5000, 1.0000, 1.0000], grad_fn=<AbsBackward0>)
print(F.cross_entropy(torch.tensor([[2.0, 0.5, -1.0]]), torch.tensor([0])).item())   # expect: 0.24131129665715703
print(F.gelu(torch.tensor([1.0])), F.silu(torch.tensor([1.0])))
# expect: tensor([0.8413]) tensor([0.7311])
