"""Binary cross-entropy, from logits and from probabilities, with every reduction."""
import torch
import torch.nn.functional as F

logits = torch.tensor([[1.5, -0.3, 0.8], [-2.0, 0.1, 3.5]], requires_grad=True)
target = torch.tensor([[1.0, 0.0, 1.0], [0.0, 0.5, 1.0]])
weight = torch.tensor([0.5, 2.0, 1.0])
pos_weight = torch.tensor([3.0, 1.0, 0.5])
for reduction in ["mean", "sum", "none"]:
    loss = F.binary_cross_entropy_with_logits(logits, target, reduction=reduction)
    print(f"with logits, {reduction}: {loss.grad_fn}")
    print(loss)
    loss.sum().backward()
    print(logits.grad)
    logits.grad = None
    loss = F.binary_cross_entropy_with_logits(logits, target, weight=weight, pos_weight=pos_weight,
                                              reduction=reduction)
    print(loss)
    loss.sum().backward()
    print(logits.grad)
    logits.grad = None

probs = torch.tensor([[0.9, 0.2, 0.6], [0.05, 0.5, 0.99]], requires_grad=True)
for reduction in ["mean", "sum", "none"]:
    loss = F.binary_cross_entropy(probs, target, reduction=reduction)
    print(f"probabilities, {reduction}: {loss.grad_fn}")
    print(loss)
    loss.sum().backward()
    print(probs.grad)
    probs.grad = None
    loss = F.binary_cross_entropy(probs, target, weight=weight, reduction=reduction)
    print(loss)
    loss.sum().backward()
    print(probs.grad)
    probs.grad = None

big = torch.tensor([-50.0, 50.0, 0.0], requires_grad=True)
loss = F.binary_cross_entropy_with_logits(big, torch.tensor([1.0, 0.0, 1.0]))
loss.backward()
print(f"saturated logits: {loss.item()} {big.grad}")
soft = torch.sigmoid(torch.tensor([0.3, -1.2, 2.2], requires_grad=True))
print(F.binary_cross_entropy(soft, torch.tensor([1.0, 0.0, 1.0])).item())
