"""Fashion-MNIST (`keras.datasets.fashion_mnist`): the four IDX `.gz` files Keras publishes.

What this module owns: `load_data` and the IDX parsing (Keras's: labels after an 8-byte
header, images after a 16-byte header, reshaped to `(n, 28, 28)` uint8). Keras publishes no
hashes for these files, so the header's magic number and counts are checked instead.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot (`class_names`).
"""
from __future__ import annotations

import gzip
import struct

import numpy as np

from neurx.datasets import sources

__all__ = ["load_data", "class_names"]

class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot"]

_FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
          "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
_LABELS_MAGIC, _IMAGES_MAGIC = 2049, 2051


def _read_idx(path: str, magic: int, header_size: int, count: int | None = None) -> np.ndarray:
    """The uint8 payload of an IDX file after checking its magic number and item count."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    found_magic, n = struct.unpack(">II", data[:8]) if len(data) >= 8 else (None, None)
    expected_size = header_size + (n or 0) * (1 if magic == _LABELS_MAGIC else 28 * 28)
    if found_magic != magic or len(data) != expected_size or (count is not None and n != count):
        raise ValueError(
            f"{path} is not a Fashion-MNIST IDX file as published: expected magic number "
            f"{magic}{'' if count is None else f' and {count} items'} ({expected_size} bytes "
            f"uncompressed). Received: magic={found_magic}, items={n}, {len(data)} bytes. Delete "
            "the file to download it again.")
    return np.frombuffer(data, np.uint8, offset=header_size)


def load_data():
    """Loads Fashion-MNIST: 60,000 28x28 grayscale images of 10 clothing classes, 10,000 test.

    A drop-in replacement for MNIST. The files are cached in
    `~/.neurx/datasets/fashion-mnist/` (or reused from `~/.keras/datasets/fashion-mnist/`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_train` uint8 `(60000, 28, 28)` with pixel
        values 0-255, `y_train` uint8 `(60000,)` labels 0-9 (see `class_names`), `x_test` uint8
        `(10000, 28, 28)`, `y_test` uint8 `(10000,)`. As in Keras, the arrays are read-only
        views of the decompressed files (`x_train / 255.0` makes a new array).

    Example, on tiny files in the published format (the real ones are downloaded, 30 MB):

    >>> import gzip, os, struct, tempfile
    >>> from unittest import mock
    >>> home = tempfile.mkdtemp()
    >>> folder = os.path.join(home, "datasets", "fashion-mnist")
    >>> os.makedirs(folder)
    >>> for split, n in (("train", 3), ("t10k", 2)):
    ...     with gzip.open(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz"), "wb") as f:
    ...         _ = f.write(struct.pack(">II", 2049, n) + bytes(range(n)))
    ...     with gzip.open(os.path.join(folder, f"{split}-images-idx3-ubyte.gz"), "wb") as f:
    ...         _ = f.write(struct.pack(">IIII", 2051, n, 28, 28) + bytes(n * 28 * 28))
    >>> with mock.patch.dict(os.environ, {"NEURX_HOME": home}):
    ...     (x_train, y_train), (x_test, y_test) = load_data()
    >>> x_train.shape, x_test.dtype, y_train
    ((3, 28, 28), dtype('uint8'), array([0, 1, 2], dtype=uint8))

    License: the copyright of Fashion-MNIST is held by Zalando SE; it is available under the
    MIT license.
    """
    paths = [sources.fetch("fashion_mnist", fname) for fname in _FILES]
    y_train = _read_idx(paths[0], _LABELS_MAGIC, 8)
    x_train = _read_idx(paths[1], _IMAGES_MAGIC, 16, len(y_train)).reshape(len(y_train), 28, 28)
    y_test = _read_idx(paths[2], _LABELS_MAGIC, 8)
    x_test = _read_idx(paths[3], _IMAGES_MAGIC, 16, len(y_test)).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)
