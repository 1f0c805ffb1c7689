"""LevelDB-format tables, as TensorFlow writes a checkpoint's `variables.index`.

What it owns: reading every `(key, value)` of a table file, checking its structure
and checksums. The layout: data blocks, a metaindex block, an index block, then a
48-byte footer (the metaindex's and the index's block handles as varints, padding,
and the 8-byte magic number). A block holds entries whose keys share a prefix with
the previous key (`shared`, `non_shared`, `value_length` varints, then the key's
new bytes and the value), an array of 32-bit restart offsets and their count; each
block is followed by a 5-byte trailer: the compression byte and the masked CRC32C
of the block plus that byte. The index block's values are the handles of the data
blocks, in key order. TensorFlow writes tables uncompressed.

Example:
>>> table = build_table([(b"", b"header"), (b"dense/kernel", b"entry")])
>>> read_table(table, "an in-memory table")
[(b'', b'header'), (b'dense/kernel', b'entry')]
"""
from __future__ import annotations

import struct

from neurx.saving.savedmodel.crc32c import crc32c, mask, unmask

MAGIC = 0xDB4775248B80FB57
FOOTER_BYTES = 48
_TRAILER_BYTES = 5
_UNCOMPRESSED = 0
_COMPRESSION_NAMES = {1: "Snappy", 2: "Zlib"}


class TableError(ValueError):
    """A table file that is truncated, corrupted or not a table at all."""


def read_varint(data, position: int, source: str) -> tuple[int, int]:
    """`(value, next position)` of the unsigned LEB128 varint at `position`.

    >>> read_varint(b"\\xac\\x02", 0, "bytes")
    (300, 2)
    """
    value, shift = 0, 0
    while True:
        if position >= len(data) or shift > 63:
            raise TableError(f"'{source}' is corrupted: a varint runs past the end of its block.")
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, position
        shift += 7


def encode_varint(value: int) -> bytes:
    """The unsigned LEB128 varint of `value`.

    >>> encode_varint(300)
    b'\\xac\\x02'
    """
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _block(data, handle: tuple[int, int], source: str, what: str) -> bytes:
    offset, size = handle
    end = offset + size + _TRAILER_BYTES
    if end > len(data) - FOOTER_BYTES:
        raise TableError(f"'{source}' is truncated or corrupted: its {what} block "
                         f"(bytes {offset}..{end}) lies past the table's data ({len(data)} "
                         "bytes with the footer).")
    contents = bytes(data[offset:offset + size])
    kind = data[offset + size]
    stored = struct.unpack_from("<I", data, offset + size + 1)[0]
    if unmask(stored) != crc32c(contents + bytes([kind])):
        raise TableError(f"'{source}' is corrupted: the checksum (CRC32C) of its {what} block "
                         f"at byte {offset} does not match its contents.")
    if kind != _UNCOMPRESSED:
        name = _COMPRESSION_NAMES.get(kind, f"unknown compression {kind}")
        raise TableError(f"'{source}' has a {name}-compressed {what} block; neurx reads "
                         "uncompressed tables, as TensorFlow writes checkpoints.")
    return contents


def _entries(block: bytes, source: str) -> list[tuple[bytes, bytes]]:
    if len(block) < 4:
        raise TableError(f"'{source}' is corrupted: a block of {len(block)} bytes has no "
                         "restart array.")
    restarts = struct.unpack_from("<I", block, len(block) - 4)[0]
    limit = len(block) - 4 - 4 * restarts
    if limit < 0:
        raise TableError(f"'{source}' is corrupted: a block claims {restarts} restart points.")
    entries, key, position = [], b"", 0
    while position < limit:
        shared, position = read_varint(block, position, source)
        fresh, position = read_varint(block, position, source)
        length, position = read_varint(block, position, source)
        if shared > len(key) or position + fresh + length > limit:
            raise TableError(f"'{source}' is corrupted: an entry at byte {position} of a "
                             "block does not fit in it.")
        key = key[:shared] + block[position:position + fresh]
        position += fresh
        entries.append((key, block[position:position + length]))
        position += length
    return entries


def _handle(data, position: int, source: str) -> tuple[tuple[int, int], int]:
    offset, position = read_varint(data, position, source)
    size, position = read_varint(data, position, source)
    return (offset, size), position


def read_table(data, source: str) -> list[tuple[bytes, bytes]]:
    """Every `(key, value)` of the table in `data` (bytes), in key order.

    `source` names the file in errors (`TableError`, a `ValueError`).

    >>> read_table(b"not a table", "x.index")
    Traceback (most recent call last):
    ...
    neurx.saving.savedmodel.table.TableError: 'x.index' is not a TensorFlow checkpoint index: it is 11 bytes, shorter than a table footer (48 bytes).
    """
    if len(data) < FOOTER_BYTES:
        raise TableError(f"'{source}' is not a TensorFlow checkpoint index: it is {len(data)} "
                         f"bytes, shorter than a table footer ({FOOTER_BYTES} bytes).")
    footer = len(data) - FOOTER_BYTES
    if struct.unpack_from("<Q", data, len(data) - 8)[0] != MAGIC:
        raise TableError(f"'{source}' is not a TensorFlow checkpoint index (or it is "
                         "truncated): its last 8 bytes are not the table magic number.")
    _, position = _handle(data, footer, source)
    index_handle, _ = _handle(data, position, source)
    entries = []
    for _, value in _entries(_block(data, index_handle, source, "index"), source):
        data_handle, _ = _handle(value, 0, source)
        entries += _entries(_block(data, data_handle, source, "data"), source)
    return entries


def _framed(contents: bytes) -> bytes:
    trailer = bytes([_UNCOMPRESSED])
    return contents + trailer + struct.pack("<I", mask(crc32c(contents + trailer)))


def _block_bytes(entries) -> bytes:
    out = bytearray()
    for key, value in entries:
        out += encode_varint(0) + encode_varint(len(key)) + encode_varint(len(value))
        out += key + value
    return bytes(out) + struct.pack("<II", 0, 1)


def build_table(entries) -> bytes:
    """A one-data-block table holding `entries` (sorted `(key, value)` bytes pairs).

    Used to craft index files in tests and examples.

    >>> len(build_table([])) > FOOTER_BYTES
    True
    """
    data = _framed(_block_bytes(entries))
    metaindex_at = len(data)
    data += _framed(_block_bytes([]))
    last_key = entries[-1][0] if entries else b""
    handle = encode_varint(0) + encode_varint(metaindex_at - _TRAILER_BYTES)
    index_at = len(data)
    index = _framed(_block_bytes([(last_key, handle)]))
    data += index
    footer = (encode_varint(metaindex_at) + encode_varint(index_at - metaindex_at
                                                           - _TRAILER_BYTES)
              + encode_varint(index_at) + encode_varint(len(index) - _TRAILER_BYTES))
    return data + footer.ljust(FOOTER_BYTES - 8, b"\0") + struct.pack("<Q", MAGIC)
