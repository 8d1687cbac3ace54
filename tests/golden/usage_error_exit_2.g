# §10 a usage error of the command line exits 2 and runs nothing
# args: --seed not-a-number
print("never")
# expect-exit: 2
# expect-stderr: --seed
