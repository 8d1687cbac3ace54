"""cross_entropy and nll_loss: class indices and class probabilities, weights, ignore_index,
label smoothing, every reduction."""
import torch
import torch.nn.functional as F

logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.2, 0.2, 3.1], [0.0, -1.0, 1.0]],
                      requires_grad=True)
labels = torch.tensor([0, 1, 2, 1])
probs = torch.tensor([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.0, 0.0, 1.0], [0.3, 0.3, 0.4]])
weight = torch.tensor([1.0, 2.0, 0.5])
for reduction in ["mean", "sum", "none"]:
    for case in [("indices", F.cross_entropy(logits, labels, reduction=reduction)),
                       ("probabilities", F.cross_entropy(logits, probs, reduction=reduction)),
                       ("weighted", F.cross_entropy(logits, labels, weight=weight, reduction=reduction)),
                       ("weighted probabilities", F.cross_entropy(logits, probs, weight=weight, reduction=reduction)),
                       ("smoothed", F.cross_entropy(logits, labels, reduction=reduction, label_smoothing=0.1)),
                       ("ignore_index", F.cross_entropy(logits, torch.tensor([0, -100, 2, 1]), reduction=reduction)),
                       ("nll", F.nll_loss(F.log_softmax(logits, dim=1), labels, reduction=reduction)),
                       ("weighted nll", F.nll_loss(torch.log_softmax(logits, dim=1), labels, weight=weight,
                                                   reduction=reduction))]:
        name = case[0]
        loss = case[1]
        loss.sum().backward()
        print(f"{name}, {reduction}: {loss.grad_fn}")
        print(loss)
        print(logits.grad)
        logits.grad = None
one = torch.tensor([0.2, 1.4, -0.3], requires_grad=True)
loss = F.cross_entropy(one, torch.tensor(1))
loss.backward()
print(f"one sample: {loss.item():.12f} {one.grad}")
maps = torch.tensor([[[0.5, -0.2], [1.0, 0.3], [-0.4, 0.8]]], requires_grad=True)
loss = F.cross_entropy(maps, torch.tensor([[1, 2]]))
loss.backward()
print(loss)
print(maps.grad)
