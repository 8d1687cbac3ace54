"""rand and randn with PyTorch's CPU generator: the same numbers as PyTorch after the same seed.

PyTorch draws from a Mersenne Twister (mt19937, seeded with the low 32 bits of the seed) and makes
a float64 in [0, 1) from two 32-bit draws: the low 53 bits of (first << 32 | second), times 2**-53.
`randn` of fewer than 16 numbers takes them one at a time by Box-Muller (two uniforms u1, u2:
sqrt(-2 log1p(-u2)) · cos(2π u1), and the sine half is kept for the next number, across calls);
16 or more it draws them all as uniforms first, then turns each block of 16 into normals
(sqrt(-2 log(1 - u[j])) · cos/sin(2π u[j + 8])), redrawing the last 16 when 16 does not divide the
count. The logarithms, sines and cosines are the C library's (`math`), as in PyTorch's kernels.
A generator never seeded starts from a random seed, as PyTorch's does.
"""
from __future__ import annotations

import math

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
            seed = int.from_bytes(np.random.default_rng().bytes(8), "little")
        self._bits = np.random.MT19937()
        self._bits._legacy_seeding(int(seed) & 0xFFFFFFFF)    # init_genrand, as std::mt19937
        self._next_normal = None

    def uniform(self, n):
        """n float64 numbers in [0, 1), one 64-bit draw (two 32-bit ones) each."""
        raw = self._bits.random_raw(2 * n)
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
