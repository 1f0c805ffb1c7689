"""TensorFlow's tensor bundles: a checkpoint's `variables.index` and `variables.data-*`.

What it owns: reading tensors by key. The index is a table (see `table`) whose key
`""` holds a `BundleHeaderProto` (number of shards, endianness) and every other key
a `BundleEntryProto`: dtype, shape, which shard, the byte offset and size in it, and
the masked CRC32C of those bytes. Shard `i` of `N` is `<prefix>.data-0000i-of-0000N`.
A string tensor's bytes are its elements' lengths (varints), a 4-byte checksum of
them, then the elements. Every shard is checked when the bundle is opened (present,
long enough for its entries), and every tensor's checksum when it is read.

Example:
>>> import os, tempfile
>>> prefix = write_bundle(os.path.join(tempfile.mkdtemp(), "variables"),
...                       {"w": np.arange(6, dtype="float32").reshape(2, 3)})
>>> BundleReader(prefix).read("w")
array([[0., 1., 2.],
       [3., 4., 5.]], dtype=float32)
"""
from __future__ import annotations

import os

import ml_dtypes
import numpy as np

from neurx.saving.savedmodel.crc32c import crc32c, mask, unmask
from neurx.saving.savedmodel.protos import message, parse
from neurx.saving.savedmodel.table import build_table, encode_varint, read_table, read_varint

# TensorFlow's DataType enum values (types.proto) -> numpy dtypes.
DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16, 6: np.int8,
          9: np.int64, 10: np.bool_, 14: ml_dtypes.bfloat16, 17: np.uint16, 19: np.float16,
          22: np.uint32, 23: np.uint64}
DT_STRING = 7


def shard_path(prefix: str, shard: int, shards: int) -> str:
    """The file of shard `shard` of `shards`.

    >>> shard_path("variables/variables", 0, 1)
    'variables/variables.data-00000-of-00001'
    """
    return f"{prefix}.data-{shard:05d}-of-{shards:05d}"


class BundleReader:
    """The tensors of the checkpoint at `prefix` (`.../variables/variables`).

    Opening reads the index and checks that every shard it names exists and holds
    the bytes its entries point at; nothing is half-read later.

    >>> import os, tempfile
    >>> prefix = write_bundle(os.path.join(tempfile.mkdtemp(), "variables"),
    ...                       {"step": np.asarray(3, "int64")})
    >>> reader = BundleReader(prefix)
    >>> reader.keys(), reader.read("step")
    (['step'], array(3))
    """

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.index_path = f"{prefix}.index"
        if not os.path.exists(self.index_path):
            raise FileNotFoundError(f"The checkpoint index '{self.index_path}' is missing.")
        with open(self.index_path, "rb") as f:
            rows = read_table(f.read(), self.index_path)
        header = dict(rows).get(b"")
        if header is None:
            raise ValueError(f"'{self.index_path}' has no bundle header (empty key): it is "
                             "not a TensorFlow checkpoint index.")
        self.header = parse("BundleHeaderProto", header, self.index_path)
        if self.header.endianness != 0:
            raise ValueError(f"'{self.index_path}' was written on a big-endian machine; "
                             "neurx reads little-endian checkpoints.")
        self.entries = {key.decode("utf8"): parse("BundleEntryProto", value, self.index_path)
                        for key, value in rows if key}
        self._shards = self._open_shards()

    def _open_shards(self) -> dict[int, bytes]:
        shards = self.header.num_shards
        needed: dict[int, int] = {}
        for key, entry in self.entries.items():
            if entry.slices:
                raise ValueError(f"'{self.index_path}': '{key}' is a partitioned (sliced) "
                                 "variable, which neurx does not read.")
            if not 0 <= entry.shard_id < shards:
                raise ValueError(f"'{self.index_path}' is corrupted: '{key}' is in shard "
                                 f"{entry.shard_id}, but the header says {shards} shards.")
            needed[entry.shard_id] = max(needed.get(entry.shard_id, 0),
                                         entry.offset + entry.size)
        opened = {}
        for shard, end in sorted(needed.items()):
            path = shard_path(self.prefix, shard, shards)
            if not os.path.exists(path):
                raise FileNotFoundError(f"The checkpoint index '{self.index_path}' names the "
                                        f"data shard '{path}', which is missing.")
            with open(path, "rb") as f:
                opened[shard] = f.read()
            if len(opened[shard]) < end:
                raise ValueError(f"The checkpoint data '{path}' is truncated: it has "
                                 f"{len(opened[shard])} bytes, but its index places tensors "
                                 f"up to byte {end}.")
        return opened

    def keys(self) -> list[str]:
        """The tensors' keys, in the index's (sorted) order."""
        return list(self.entries)

    def read(self, key: str) -> np.ndarray:
        """The tensor stored under `key`, after checking its CRC32C."""
        entry = self.entries.get(key)
        if entry is None:
            raise KeyError(f"'{self.index_path}' has no tensor '{key}'.")
        raw = self._shards[entry.shard_id][entry.offset:entry.offset + entry.size]
        shape = tuple(d.size for d in entry.shape.dim)
        if entry.dtype == DT_STRING:
            value, checked = _strings(raw, shape, key)
        elif entry.dtype in DTYPES:
            value, checked = np.frombuffer(raw, DTYPES[entry.dtype]).reshape(shape).copy(), raw
        else:
            raise ValueError(f"'{self.index_path}': '{key}' has TensorFlow dtype number "
                             f"{entry.dtype}, which neurx does not read.")
        if unmask(entry.crc32c) != crc32c(checked):
            shard = shard_path(self.prefix, entry.shard_id, self.header.num_shards)
            raise ValueError(f"The checkpoint data for '{key}' in '{shard}' is corrupted: its "
                             "checksum (CRC32C) does not match the index.")
        return value


def _length_bytes(length: int) -> bytes:
    return length.to_bytes(4 if length <= 0xFFFFFFFF else 8, "little")


def _strings(raw: bytes, shape: tuple, key: str) -> tuple[np.ndarray, bytes]:
    """The elements of a string tensor, and the bytes its checksum covers (the lengths
    as 32-bit integers instead of varints)."""
    count = int(np.prod(shape, dtype=np.int64))
    lengths, position = [], 0
    for _ in range(count):
        length, position = read_varint(raw, position, key)
        lengths.append(length)
    checksum = raw[position:position + 4]
    position += 4
    values = []
    for length in lengths:
        values.append(raw[position:position + length])
        position += length
    checked = b"".join(map(_length_bytes, lengths)) + checksum + b"".join(values)
    return np.asarray(values, dtype=object).reshape(shape), checked


def _string_bytes(values: np.ndarray) -> tuple[bytes, int]:
    """A string tensor's bytes and their CRC32C, as TensorFlow writes them."""
    elements = list(values.ravel())
    lengths = b"".join(encode_varint(len(v)) for v in elements)
    checksum = mask(crc32c(b"".join(_length_bytes(len(v)) for v in elements)))
    checksum = checksum.to_bytes(4, "little")
    checked = b"".join(_length_bytes(len(v)) for v in elements) + checksum + b"".join(elements)
    return lengths + checksum + b"".join(elements), crc32c(checked)


def write_bundle(prefix: str, tensors: dict) -> str:
    """Writes `tensors` (key -> array, `bytes` for strings) as a one-shard bundle.

    Used to craft checkpoints in tests and examples; returns `prefix`.

    >>> import os, tempfile
    >>> prefix = write_bundle(os.path.join(tempfile.mkdtemp(), "v"), {"s": b"graph"})
    >>> BundleReader(prefix).read("s")[()]
    b'graph'
    """
    codes = {np.dtype(t): code for code, t in DTYPES.items()}
    data, rows = bytearray(), []
    for key in sorted(tensors):
        value = tensors[key]
        if isinstance(value, bytes):
            value = np.asarray(value, dtype=object)
        value = np.asarray(value)
        if value.dtype == object:
            raw, crc = _string_bytes(value)
        else:
            raw = value.tobytes()
            crc = crc32c(raw)
        entry = message("BundleEntryProto")(
            dtype=DT_STRING if value.dtype == object else codes[value.dtype],
            offset=len(data), size=len(raw), crc32c=mask(crc))
        for size in value.shape:
            entry.shape.dim.add(size=size)
        rows.append((key.encode("utf8"), entry.SerializeToString()))
        data += raw
    header = message("BundleHeaderProto")(num_shards=1).SerializeToString()
    with open(f"{prefix}.index", "wb") as f:
        f.write(build_table([(b"", header)] + rows))
    with open(shard_path(prefix, 0, 1), "wb") as f:
        f.write(bytes(data))
    return prefix
