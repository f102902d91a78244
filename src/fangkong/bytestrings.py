"""Many byte strings at once as numpy arrays: one flat buffer and the offsets of each string in it.

What lets the seeder build the text of ten million people (names, readings, addresses, ID numbers) and their
rows in PostgreSQL's binary COPY format with a few numpy operations over a whole batch, instead of a few
Python string operations per value: a `ByteStrings` is taken from a small vocabulary by index arrays
(`take`), built from digits (`decimal`) or fixed-width rows (`fixed`), and concatenated row by row (`join`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class ByteStrings:
    """n byte strings: `data` holds them end to end, string i is data[offsets[i]:offsets[i + 1]]."""

    __slots__ = ("data", "offsets")

    def __init__(self, data: np.ndarray, offsets: np.ndarray):
        self.data = data
        self.offsets = offsets

    @classmethod
    def of(cls, values: Sequence[str | bytes]) -> ByteStrings:
        """From Python strings (UTF-8) or bytes: a vocabulary to `take` from."""
        encoded = [v.encode() if isinstance(v, str) else bytes(v) for v in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(v) for v in encoded], out=offsets[1:])
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), offsets)

    @classmethod
    def constant(cls, value: str | bytes, count: int) -> ByteStrings:
        """`value`, `count` times."""
        return cls.of([value]).take(np.zeros(count, dtype=np.int64))

    @classmethod
    def fixed(cls, rows: np.ndarray) -> ByteStrings:
        """From an (n, width) array of bytes: n strings of `width` bytes."""
        count, width = rows.shape
        return cls(np.ascontiguousarray(rows, dtype=np.uint8).reshape(-1), np.arange(count + 1, dtype=np.int64) * width)

    @classmethod
    def decimal(cls, values: np.ndarray, width: int = 1) -> ByteStrings:
        """Non-negative integers in decimal digits, zero-padded to `width` (as f"{v:0{width}d}")."""
        values = np.asarray(values, dtype=np.int64)
        if len(values) and values.min() < 0:
            raise ValueError("decimal digits of a negative number")
        longest = max(width, len(str(int(values.max()))) if len(values) else width)
        powers = 10 ** np.arange(longest - 1, -1, -1, dtype=np.int64)
        digits = (values[:, None] // powers % 10 + ord("0")).astype(np.uint8)
        digit_count = 1 + (values[:, None] >= powers[:-1]).sum(axis=1)
        lengths = np.maximum(width, digit_count)
        return cls.fixed(digits).cut(longest - lengths)

    def cut(self, skip: np.ndarray) -> ByteStrings:
        """Each string without its first skip[i] bytes."""
        lengths = self.lengths - skip
        offsets = _offsets(lengths)
        return ByteStrings(self.data[_gather(self.offsets[:-1] + skip, offsets, lengths)], offsets)

    @property
    def lengths(self) -> np.ndarray:
        return np.diff(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def take(self, indexes: np.ndarray) -> ByteStrings:
        """The strings at `indexes`, in their order (a vocabulary's words for a batch's index array)."""
        indexes = np.asarray(indexes, dtype=np.int64)
        lengths = self.lengths[indexes]
        offsets = _offsets(lengths)
        return ByteStrings(self.data[_gather(self.offsets[indexes], offsets, lengths)], offsets)

    @staticmethod
    def join(*parts: ByteStrings) -> ByteStrings:
        """Row by row concatenation: string i is parts[0][i] + parts[1][i] + ..."""
        count = len(parts[0])
        if any(len(p) != count for p in parts):
            raise ValueError("joining byte strings of different counts")
        lengths = [p.lengths for p in parts]
        offsets = _offsets(np.sum(lengths, axis=0) if count else np.zeros(0, dtype=np.int64))
        data = np.empty(offsets[-1], dtype=np.uint8)
        start = offsets[:-1].copy()
        for part, part_lengths in zip(parts, lengths):
            width = int(part_lengths[0]) if count else 0
            if count and (part_lengths == width).all():  # fixed width: a two-dimensional scatter
                data[(start[:, None] + np.arange(width)).reshape(-1)] = part.data
            else:
                data[_gather(start, part.offsets, part_lengths)] = part.data
            start += part_lengths
        return ByteStrings(data, offsets)

    def spread(self, present: np.ndarray) -> ByteStrings:
        """len(present) strings: these, in order, where `present` is True, and empty strings elsewhere."""
        lengths = np.zeros(len(present), dtype=np.int64)
        lengths[present] = self.lengths
        return ByteStrings(self.data, _offsets(lengths))

    def rows(self, width: int) -> np.ndarray:
        """The strings as an (n, width) array; every one must be `width` bytes long."""
        if len(self) and not (self.lengths == width).all():
            raise ValueError(f"not every string is {width} bytes long")
        return self.data.reshape(len(self), width)

    def tobytes(self) -> list[bytes]:
        buffer, offsets = self.data.tobytes(), self.offsets.tolist()
        return [buffer[a:b] for a, b in zip(offsets, offsets[1:])]

    def tolist(self) -> list[str]:
        return [b.decode() for b in self.tobytes()]


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _gather(starts: np.ndarray, offsets: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The positions of every byte of n runs laid end to end: run i is `lengths[i]` bytes from starts[i],
    and lands at offsets[i] of the runs' concatenation."""
    return np.repeat(starts - offsets[:-1], lengths) + np.arange(offsets[-1], dtype=np.int64)
