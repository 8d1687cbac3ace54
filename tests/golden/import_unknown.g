# §3 any module but torch is an error (a NameError: unknown module)
import torch
import numpy as np
# expect-error: NameError: no module named 'numpy'
# expect-error-line: 3
