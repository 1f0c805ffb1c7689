"""CRC32C (Castagnoli), as TensorFlow's checkpoints and LevelDB tables use it, in numpy.

What it owns: the checksum and its "masked" form. Large buffers are cut into up to
16384 equal lanes whose CRCs numpy computes side by side (one table lookup per byte
position for all lanes at once), then combined pairwise: a CRC register followed
by `n` bytes is a linear map of the register (shifting in `n` zero bytes) XOR the
CRC of those bytes, and that map is applied with four 256-entry tables. A 2 MB
variables file checks in about 0.1 s on a loaded 2-core machine (pure Python: 1.4 s),
without a compiled extension.

Example:
>>> hex(crc32c(b"123456789"))
'0xe3069283'
>>> unmask(mask(0xE3069283)) == 0xE3069283
True
"""
from __future__ import annotations

import numpy as np

_POLY = 0x82F63B78
_MASK_DELTA = 0xA282EAD8
_MIN_LANE_BYTES = 32
_MAX_LANES = 1 << 14
_SERIAL_LIMIT = 1024


def _byte_table() -> np.ndarray:
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ np.uint32(_POLY), crc >> 1).astype(np.uint32)
    return crc


_TABLE = _byte_table()
_TABLE_LIST = _TABLE.tolist()


def _serial(register: int, data) -> int:
    table = _TABLE_LIST
    for byte in bytes(data):
        register = table[(register ^ byte) & 0xFF] ^ (register >> 8)
    return register


def _shift_tables(images: np.ndarray) -> np.ndarray:
    """Four 256-entry tables for the linear map whose images of bits 0..31 are `images`."""
    bits = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(bool)       # (256, 8)
    chosen = np.where(bits, images.reshape(4, 1, 8), np.uint32(0))           # (4, 256, 8)
    return np.bitwise_xor.reduce(chosen, axis=2).astype(np.uint32)


def _apply(tables: np.ndarray, registers: np.ndarray) -> np.ndarray:
    return (tables[0][registers & 0xFF] ^ tables[1][(registers >> 8) & 0xFF]
            ^ tables[2][(registers >> 16) & 0xFF] ^ tables[3][registers >> 24])


def _zero_shift_images(length: int) -> np.ndarray:
    registers = np.uint32(1) << np.arange(32, dtype=np.uint32)
    for _ in range(length):
        registers = _TABLE[registers & 0xFF] ^ (registers >> 8)
    return registers



def crc32c(data) -> int:
    """The CRC32C of `data` (bytes, bytearray, memoryview or a uint8 array).

    >>> crc32c(b"") == 0 and crc32c(b"a" * 5000) == crc32c(bytearray(b"a" * 5000))
    True
    """
    buffer = np.frombuffer(data, dtype=np.uint8) if not isinstance(data, np.ndarray) else data
    if buffer.size < _SERIAL_LIMIT:
        return _serial(0xFFFFFFFF, buffer.tobytes()) ^ 0xFFFFFFFF
    # Starting the register at ~0 equals starting at 0 with ~0 XORed into the first 4 bytes.
    lanes = min(_MAX_LANES, 1 << int(np.log2(buffer.size // _MIN_LANE_BYTES)))
    length = buffer.size // lanes
    body = buffer[:lanes * length].reshape(lanes, length).T.copy()
    body[:4, 0] ^= 0xFF
    registers = np.zeros(lanes, dtype=np.uint32)
    for column in body:
        registers = _TABLE[registers.astype(np.uint8) ^ column] ^ (registers >> 8)
    tables = _shift_tables(_zero_shift_images(length))
    while registers.size > 1:
        registers = _apply(tables, registers[0::2]) ^ registers[1::2]
        tables = _shift_tables(_apply(tables, _apply_images(tables)))
    register = _serial(int(registers[0]), buffer[lanes * length:].tobytes())
    return register ^ 0xFFFFFFFF


def _apply_images(tables: np.ndarray) -> np.ndarray:
    """The images of bits 0..31 under the map `tables` stands for."""
    return _apply(tables, np.uint32(1) << np.arange(32, dtype=np.uint32))


def mask(crc: int) -> int:
    """The masked CRC LevelDB and TensorFlow store (rotated, plus a constant).

    >>> mask(0)
    2726488792
    """
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def unmask(masked: int) -> int:
    """The CRC a masked value stands for.

    >>> unmask(2726488792)
    0
    """
    rotated = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rotated >> 17) | (rotated << 15)) & 0xFFFFFFFF
