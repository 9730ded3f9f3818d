"""The flat format of a catalogue snapshot: one buffer of arrays, loaded without decoding it.

The refresher builds a snapshot in its own process and writes it as an :class:`Image`; a serving process maps the
file (or holds the bytes fetched from Redis) and reads it in place. Loading costs a small JSON header and a view per
array: numpy arrays are views of the buffer, strings and listings are decoded one at a time when a page shows them.
So a new catalogue costs a serving process almost nothing, whatever its size, and every worker of a machine shares
one copy of it through the page cache.

Layout: ``MAGIC``, the header's length (8 bytes, little-endian), the header (JSON), then each array, aligned to 8
bytes. The header holds ``meta`` (anything JSON: versions, feed states) and, per array, its dtype, offset and length.
A list of strings is two arrays: ``NAME.bytes`` (UTF-8, end to end) and ``NAME.offsets`` (``int64``, one more than
the strings).
"""

from __future__ import annotations

import mmap
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import orjson

MAGIC = b"PRAKERJA-SNAPSHOT-1\n"
_ALIGN = 8


class ImageError(ValueError):
    """A buffer that is not a snapshot image of this format (a torn file, another program's file)."""


class ImageWriter:
    """Collects arrays and string lists, then writes them as one image."""

    def __init__(self, meta: Mapping[str, Any] | None = None) -> None:
        self.meta: dict[str, Any] = dict(meta or {})
        """Anything JSON, read back as :attr:`Image.meta`."""
        self._arrays: dict[str, np.ndarray[Any, Any]] = {}

    def array(self, name: str, values: npt.ArrayLike, dtype: npt.DTypeLike | None = None) -> None:
        self._arrays[name] = np.ascontiguousarray(values, dtype=dtype)

    def strings(self, name: str, values: Iterable[str | bytes]) -> None:
        encoded = [value.encode() if isinstance(value, str) else value for value in values]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        np.cumsum([len(value) for value in encoded], out=offsets[1:])
        self._arrays[f"{name}.bytes"] = np.frombuffer(b"".join(encoded), dtype=np.uint8)
        self._arrays[f"{name}.offsets"] = offsets

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The image, piece by piece (no copy of the arrays)."""
        directory: dict[str, tuple[str, int, int]] = {}
        offset = 0
        for name, values in self._arrays.items():
            directory[name] = (values.dtype.str, offset, len(values))
            offset += _padded(values.nbytes)
        header = orjson.dumps({"meta": self.meta, "arrays": directory})
        header += b" " * (_padded(len(MAGIC) + 8 + len(header)) - len(MAGIC) - 8 - len(header))
        yield MAGIC + len(header).to_bytes(8, "little") + header
        for values in self._arrays.values():
            yield values.view(np.uint8).data
            yield b"\0" * (_padded(values.nbytes) - values.nbytes)

    def to_bytes(self) -> bytes:
        return b"".join(self.chunks())

    def write(self, path: Path) -> None:
        """Write the image to ``path`` atomically: a reader sees the old file or the new one, never a torn one."""
        write_atomically(path, self.chunks())


def write_atomically(path: Path, chunks: Iterable[bytes | memoryview]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            for chunk in chunks:
                file.write(chunk)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _padded(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN


class Strings(Sequence[str]):
    """A list of strings stored in an image, each decoded when read: bisect works on it as on a sorted list."""

    __slots__ = ("_bytes", "_offsets")

    def __init__(self, data: npt.NDArray[np.uint8], offsets: npt.NDArray[np.int64]) -> None:
        self._bytes = data
        self._offsets = offsets

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.raw(index).decode()

    def raw(self, index: int) -> bytes:
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        start, end = self._offsets[index : index + 2].tolist()
        return self._bytes[start:end].tobytes()


class Image:
    """A snapshot image read in place from a buffer (bytes, or a mapped file)."""

    def __init__(self, buffer: bytes | mmap.mmap) -> None:
        self._buffer = buffer
        if buffer[: len(MAGIC)] != MAGIC:
            raise ImageError("not a prakerja-gateway snapshot")
        length = int.from_bytes(buffer[len(MAGIC) : len(MAGIC) + 8], "little")
        start = len(MAGIC) + 8
        try:
            header = orjson.loads(buffer[start : start + length])
            self.meta: dict[str, Any] = header["meta"]
            directory: dict[str, list[Any]] = header["arrays"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise ImageError("the snapshot's header cannot be read") from None
        base = start + length
        self._arrays: dict[str, np.ndarray[Any, Any]] = {}
        for name, (dtype, offset, count) in directory.items():
            dt = np.dtype(dtype)
            if base + offset + count * dt.itemsize > len(buffer):
                raise ImageError("the snapshot is cut short")
            self._arrays[name] = np.frombuffer(buffer, dtype=dt, count=count, offset=base + offset)

    @classmethod
    def open(cls, path: Path) -> Image:
        """The image in the file at ``path``, mapped: its pages are shared with every process mapping it."""
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
        return cls(mapped)

    def raw(self) -> bytes:
        return bytes(self._buffer)

    def array(self, name: str) -> np.ndarray[Any, Any]:
        return self._arrays[name]

    def strings(self, name: str) -> Strings:
        return Strings(self._arrays[f"{name}.bytes"], self._arrays[f"{name}.offsets"])
