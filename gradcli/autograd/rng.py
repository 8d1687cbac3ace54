"""rand and randn with PyTorch's CPU generator: the same numbers as PyTorch after the same seed.

PyTorch draws from a Mersenne Twister (mt19937, seeded with the low 32 bits of the seed) and makes
a float64 in [0, 1) from two 32-bit draws: the low 53 bits of (first << 32 | second), times 2**-53.
`randn` of fewer than 16 numbers takes them one at a time by Box-Muller (two uniforms u1, u2:
sqrt(-2 log1p(-u2)) · cos(2π u1), and the sine half is kept for the next number, across calls);
16 or more it draws them all as uniforms first, then turns each block of 16 into normals
(sqrt(-2 log(1 - u[j])) · cos/sin(2π u[j + 8])), redrawing the last 16 when 16 does not divide the
count. The logarithms, sines and cosines are the C library's (`math`), as in PyTorch's kernels.
A generator never seeded starts from a random seed, as PyTorch's does.

The Mersenne Twister is Python's own (`random.Random`, the same mt19937, already loaded with
numpy): its state is set as std::mt19937's seeding leaves it, and `getrandbits(32 k)` returns k
successive 32-bit draws as one integer, first draw lowest — so no numpy.random (~15 ms at start).
"""
from __future__ import annotations

import math
import os
import random

import numpy as np

_LOW53 = np.uint64((1 << 53) - 1)
_SCALE = 1.0 / (1 << 53)
_TWO_PI = 2.0 * math.pi


class Generator:
    def __init__(self, seed=None):
        self.seed(seed)

    def seed(self, seed=None):
        """Seed as torch.manual_seed(seed) does; None: a random seed."""
        if seed is None:
            seed = int.from_bytes(os.urandom(8), "little")
        self._bits = random.Random()
        self._bits.setstate((3, _mt_init(int(seed) & 0xFFFFFFFF), None))
        self._next_normal = None

    def uniform(self, n):
        """n float64 numbers in [0, 1), one 64-bit draw (two 32-bit ones) each."""
        raw = np.frombuffer(self._bits.getrandbits(64 * n).to_bytes(8 * n, "little"),
                            dtype="<u4").astype(np.uint64)
        hi, lo = raw[0::2], raw[1::2]
        return (((hi << np.uint64(32)) | lo) & _LOW53).astype(np.float64) * _SCALE

    def normal(self, n):
        if n < 16:
            return np.array([self._one_normal() for _ in range(n)], dtype=np.float64)
        data = self.uniform(n)
        full = n - n % 16
        _fill16(data[:full])
        if n % 16:
            tail = self.uniform(16)
            _fill16(tail)
            data[n - 16:] = tail
        return data

    def _one_normal(self):
        if self._next_normal is not None:
            value, self._next_normal = self._next_normal, None
            return value
        u1, u2 = self.uniform(2)
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = _TWO_PI * u1
        self._next_normal = r * math.sin(theta)
        return r * math.cos(theta)


def _mt_init(seed):
    """std::mt19937's state after seeding with `seed` (init_genrand), as `random.setstate` takes
    it: the 624 words, then the position 624 (the first draw twists the state first)."""
    mt = [seed]
    for i in range(1, 624):
        prev = mt[-1]
        mt.append((1812433253 * (prev ^ (prev >> 30)) + i) & 0xFFFFFFFF)
    mt.append(624)
    return tuple(mt)


def _fill16(data):
    """Box-Muller on blocks of 16 uniforms, in place: u[j], u[j + 8] -> two normals (j < 8)."""
    blocks = data.reshape(-1, 16)
    u1 = 1.0 - blocks[:, :8].ravel()
    theta = _TWO_PI * blocks[:, 8:].ravel()
    log = np.fromiter(map(math.log, u1.tolist()), dtype=np.float64, count=u1.size)
    radius = np.sqrt(-2.0 * log)
    cos = np.fromiter(map(math.cos, theta.tolist()), dtype=np.float64, count=theta.size)
    sin = np.fromiter(map(math.sin, theta.tolist()), dtype=np.float64, count=theta.size)
    blocks[:, :8] = (radius * cos).reshape(-1, 8) * 1.0 + 0.0     # · std + mean, as PyTorch
    blocks[:, 8:] = (radius * sin).reshape(-1, 8) * 1.0 + 0.0
