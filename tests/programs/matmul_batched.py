import torch
A = torch.arange(1.0, 13.0, 1.0).reshape(2, 2, 3)
A.requires_grad_()
B = torch.arange(0.0, 1.2, 0.1).reshape(2, 3, 2)
B.requires_grad_()
C = A @ B
print(C.detach())
loss = (C * C).sum()
print(loss)
loss.backward()
print(A.grad)
print(B.grad)
