import torch
Q = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], requires_grad=True)
K = torch.tensor([[0.5, 1.0], [1.0, -0.5], [0.0, 2.0]], requires_grad=True)
V = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], requires_grad=True)
scores = Q @ K.T / 2.0 ** 0.5
attn = torch.softmax(scores, dim=-1)
print(attn)
out = attn @ V
print(out)
out.sum().backward()
print(Q.grad)
print(K.grad)
print(V.grad)
