# §7 a reduction PyTorch does not know is a ValueError that lists the ones it does
import torch.nn.functional as F
x = ones(3, requires_grad=True)
loss = F.mse_loss(x, zeros(3), reduction="average")
# expect-error: ValueError: 'average' is not a valid value for reduction: use 'mean', 'sum' or 'none'
# expect-error-line: 4
