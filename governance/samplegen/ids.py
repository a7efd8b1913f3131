"""Vectorised, collision-free identifiers built straight into Arrow string arrays.

Every id is a bijection of a running index (an affine map modulo the id space, or the
SplitMix64 finaliser), so ids never collide and need no uniqueness bookkeeping.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pyarrow as pa

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGITS = np.frombuffer(b"0123456789", dtype=np.uint8)


def key64(seed: int, purpose: str) -> int:
    """A stable 64-bit key for (seed, purpose)."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{purpose}".encode()).digest()[:8], "little")


def splitmix64(x: np.ndarray) -> np.ndarray:
    """The SplitMix64 finaliser: a bijection on uint64 that scrambles its input."""
    z = x.astype(np.uint64, copy=True)
    with np.errstate(over="ignore"):
        z += np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def scrambled(index: np.ndarray, seed: int, purpose: str) -> np.ndarray:
    """Distinct, random-looking uint64 values for distinct indices (keep all 16 hex digits)."""
    return splitmix64(index.astype(np.uint64) ^ np.uint64(key64(seed, purpose)))


def _round(right: np.ndarray, key: int, half_mask: np.uint64) -> np.ndarray:
    return splitmix64(right ^ np.uint64(key)) & half_mask


def feistel_perm(index: np.ndarray, space: int, seed: int, purpose: str) -> np.ndarray:
    """A random-looking bijection of ``[0, space)`` (balanced Feistel network + cycle walking)."""
    bits = max(2, int(space - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    half_mask = np.uint64((1 << half) - 1)
    keys = [key64(seed, f"{purpose}:round{r}") for r in range(4)]

    def encrypt(x: np.ndarray) -> np.ndarray:
        left, right = x >> np.uint64(half), x & half_mask
        for k in keys:
            left, right = right, left ^ _round(right, k, half_mask)
        return (left << np.uint64(half)) | right

    x = encrypt(index.astype(np.uint64) % np.uint64(space))
    out_of_range = x >= np.uint64(space)
    while out_of_range.any():  # cycle walking keeps the map a bijection of [0, space)
        x[out_of_range] = encrypt(x[out_of_range])
        out_of_range = x >= np.uint64(space)
    return x.astype(np.int64)


def hex_matrix(x: np.ndarray, ndigits: int = 16) -> np.ndarray:
    """(n, ndigits) ASCII hex digits of uint64 values (most significant first)."""
    b = x.astype(">u8").view(np.uint8).reshape(-1, 8)
    out = np.empty((len(x), 16), dtype=np.uint8)
    out[:, 0::2] = _HEX[b >> 4]
    out[:, 1::2] = _HEX[b & 15]
    return out[:, 16 - ndigits:]


def digit_matrix(x: np.ndarray, width: int) -> np.ndarray:
    """(n, width) ASCII decimal digits of non-negative integers, zero padded."""
    v = x.astype(np.int64).copy()
    out = np.empty((len(x), width), dtype=np.uint8)
    for col in range(width - 1, -1, -1):
        out[:, col] = _DIGITS[v % 10]
        v //= 10
    return out


def join_columns(*parts: np.ndarray | bytes, n: int) -> np.ndarray:
    """Concatenate byte constants and (n, k) uint8 matrices column-wise."""
    mats = []
    for p in parts:
        if isinstance(p, bytes):
            mats.append(np.broadcast_to(np.frombuffer(p, dtype=np.uint8), (n, len(p))))
        else:
            mats.append(p)
    return np.concatenate(mats, axis=1) if mats else np.empty((n, 0), dtype=np.uint8)


def to_arrow(mat: np.ndarray) -> pa.StringArray:
    """An Arrow string array whose i-th value is row i of a fixed-width uint8 matrix."""
    n, w = mat.shape
    data = np.ascontiguousarray(mat, dtype=np.uint8).reshape(-1)
    offsets = np.arange(0, (n + 1) * w, w, dtype=np.int64)
    if offsets[-1] < 2**31:
        return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets.astype(np.int32)),
                                                      pa.py_buffer(data)])
    return pa.Array.from_buffers(pa.large_string(), n, [None, pa.py_buffer(offsets),
                                                        pa.py_buffer(data)]).cast(pa.string())


def prefixed_numbers(prefix: str, numbers: np.ndarray, width: int) -> pa.StringArray:
    """``prefix`` + zero-padded decimal ``numbers`` (e.g. ``u1234567``)."""
    n = len(numbers)
    return to_arrow(join_columns(prefix.encode(), digit_matrix(numbers, width), n=n))


def prefixed_hex(prefix: str, values: np.ndarray, ndigits: int) -> pa.StringArray:
    """``prefix`` + ``ndigits`` hex digits of uint64 ``values``."""
    n = len(values)
    return to_arrow(join_columns(prefix.encode(), hex_matrix(values, ndigits), n=n))


def uuid4_like(index: np.ndarray, seed: int, purpose: str) -> pa.StringArray:
    """UUIDv4-formatted ids, unique per index (all 64 bits of a bijection are kept)."""
    n = len(index)
    hi = hex_matrix(scrambled(index, seed, purpose + ":hi"))
    lo = hex_matrix(scrambled(index, seed, purpose + ":lo"))
    variant = np.frombuffer(b"89ab", dtype=np.uint8)[(lo[:, 0] % 4)].reshape(-1, 1)
    return to_arrow(join_columns(
        hi[:, 0:8], b"-", hi[:, 8:12], b"-4", hi[:, 12:15], b"-", variant,
        hi[:, 15:16], lo[:, 1:3], b"-", lo[:, 3:15], n=n,
    ))
