import torch
# values whose last digit differs between PyTorch's vectorized kernels and correctly rounded math
print(torch.tensor(2.0).sqrt().item(), torch.tanh(torch.tensor(0.5)).item())
print(torch.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0).tolist())
print(torch.sqrt(torch.tensor([2.0, 0.5, 3.0])))
