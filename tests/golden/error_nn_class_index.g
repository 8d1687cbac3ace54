# §7 a class index outside the classes is an IndexError, as in PyTorch
import torch
import torch.nn.functional as F
logits = torch.tensor([[1.0, 2.0, 0.5], [0.1, 0.2, 0.3]], requires_grad=True)
print(F.cross_entropy(logits, torch.tensor([2, 0])).item())   # expect: 1.5831558161685946
loss = F.cross_entropy(logits, torch.tensor([2, 3]))
# expect-error: IndexError: cross_entropy: target 3 is out of bounds (classes 0 to 2)
# expect-error-line: 6
