# 注释：梯度下降的一个例子 — a comment in Chinese, and UTF-8 everywhere
x = tensor(2., requires_grad=True)   # 参数 x
# 损失函数
loss = (x - 5) ** 2                  # (x − 5)²
loss.backward()  # 反向传播
print(x.grad)    # expect: tensor(-6.)
print("梯度")     # expect: 梯度
#
#    an indented comment line does not open a block
print("end")     # expect: end
