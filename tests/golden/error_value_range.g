# §5 range needs integral bounds
for i in range(0.5): pass
# expect-error: ValueError: 0.5
# expect-error-line: 2
