import torch
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1]], requires_grad=True)
target = torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
logp = logits.log_softmax(dim=1)
loss = -(logp * target).sum(dim=1).mean()
print(loss)
loss.backward()
print(logits.grad)
print(loss.item())
