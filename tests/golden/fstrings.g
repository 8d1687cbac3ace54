# §2 f-strings: any expression in braces, {{ and }} for braces, !r / !s, x= labels
import torch
x = torch.ones(2, 2, requires_grad=True)
y = x + 2
z = (y * y * 3).mean()
print(f"Gradient function for y = {y.grad_fn}")     # expect: Gradient function for y = <AddBackward0>
print(f"z = {z!r}")                                  # expect: z = tensor(27., grad_fn=<MeanBackward0>)
print(f"z = {z}")                                    # expect: z = 27.0
print(f"{x.shape} {len(x)} {x.requires_grad} {None}")   # expect: (2, 2) 2 True None
print(f"{'quoted'!r} {'plain'!s} {{literal braces}}")   # expect: 'quoted' plain {literal braces}
print(f"{1 + 2 * 3} {max(tensor([1, 5, 2])).item()} {[1, 2][1]}")   # expect: 7 5.0 2
print(f"{z.item()=}")                                # expect: z.item()=27.0
print(f"{z.item() = :.1f}")                          # expect: z.item() = 27.0
print(F'upper-case prefix {3}', rf"raw \n {4}", fR'{5}\t')   # expect: upper-case prefix 3 raw \n 4 5\t
print(f"{x}")
# expect: tensor([[1., 1.],
# expect:         [1., 1.]], requires_grad=True)
print(f"First line\n{x.sum()}")                     # expect: First line
                                                     # expect: 4.0
print(f"""a triple-quoted f-string:
{z.item():>8.2f}
{
    x.sum() + 1
}""")
# expect: a triple-quoted f-string:
# expect:    27.00
# expect: 5.0
label = f"{'nested ' + f'{1 + 1}'} f-strings"
print(label)                                        # expect: nested 2 f-strings
print(f"side " "by " f"side {label[0:0] if False else 6}")   # expect: side by side 6
