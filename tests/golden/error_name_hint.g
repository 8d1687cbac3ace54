# §11 NameError with a did-you-mean hint for a close name
learning_rate = 0.1
print("before")             # expect: before
step = learnig_rate * 2
# expect-error: NameError: name 'learnig_rate' is not defined
# expect-error-line: 4
# expect-stderr: did you mean `learning_rate`?
