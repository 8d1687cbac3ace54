import torch
A = torch.ones(2, 2, 3, requires_grad=True)
B = torch.arange(0.0, 6.0, 1.0).reshape(3, 2)
C = A @ B
print(C)
C.sum().backward()
print(A.grad)
