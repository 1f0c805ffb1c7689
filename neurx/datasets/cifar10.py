"""CIFAR-10 (`keras.datasets.cifar10`): Toronto's `cifar-10-python.tar.gz`, verified by its hash.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship,
9 truck (`class_names`).
"""
from __future__ import annotations

import os

import numpy as np

from neurx.datasets import sources
from neurx.datasets.cifar import batch_folder, load_batch, to_data_format

__all__ = ["load_data", "class_names"]

class_names = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
               "truck"]


def load_data():
    """Loads CIFAR-10: 50,000 32x32 colour training images and 10,000 test images, 10 classes.

    The archive (170 MB, SHA-256 checked) is cached as
    `~/.neurx/datasets/cifar-10-batches-py-target_archive` and extracted next to it (a copy in
    `~/.keras/datasets/` is reused).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_train` uint8 `(50000, 32, 32, 3)` (channels
        last; `(50000, 3, 32, 32)` when `image_data_format()` is `"channels_first"`), pixel
        values 0-255; `y_train` uint8 `(50000, 1)` labels 0-9 (see `class_names`); `x_test`
        uint8 `(10000, 32, 32, 3)`; `y_test` uint8 `(10000, 1)`.

    Example (downloads 170 MB the first time):

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape  # doctest: +SKIP
    ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1))
    >>> class_names[6]
    'frog'
    """
    path = batch_folder(sources.fetch("cifar10", "cifar-10-batches-py-target"),
                        "cifar-10-batches-py")
    batches = [load_batch(os.path.join(path, f"data_batch_{i}")) for i in range(1, 6)]
    x_train = np.concatenate([x for x, _ in batches]).astype("uint8")
    y_train = np.concatenate([np.asarray(y) for _, y in batches]).astype("uint8")
    x_test, y_test = load_batch(os.path.join(path, "test_batch"))
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    x_train, x_test = to_data_format(x_train), to_data_format(x_test)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))
