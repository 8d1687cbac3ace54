# §11 recursion deeper than --max-depth is a LimitError naming the option
# args: --max-depth 50
def down(n):
    return down(n + 1)
def count(n): return 0 if n == 0 else 1 + count(n - 1)
print(count(40))            # expect: 40
down(0)
# expect-error: LimitError: --max-depth
# expect-error-line: 4
# expect-stderr: in call at
