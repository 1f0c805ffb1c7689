"""CIFAR-100 (`keras.datasets.cifar100`): Toronto's `cifar-100-python.tar.gz`, verified by its
hash. 100 fine classes grouped into 20 coarse superclasses.
"""
from __future__ import annotations

import os

import numpy as np

from neurx.datasets import sources
from neurx.datasets.cifar import batch_folder, load_batch, to_data_format

__all__ = ["load_data"]


def load_data(label_mode: str = "fine"):
    """Loads CIFAR-100: 50,000 32x32 colour training images and 10,000 test images.

    The archive (169 MB, SHA-256 checked) is cached as
    `~/.neurx/datasets/cifar-100-python-target_archive` and extracted next to it (a copy in
    `~/.keras/datasets/` is reused).

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_train` uint8 `(50000, 32, 32, 3)` (channels
        last; channels first when `image_data_format()` is `"channels_first"`), `y_train`
        int64 `(50000, 1)` labels 0-99 (0-19 coarse), `x_test` uint8 `(10000, 32, 32, 3)`,
        `y_test` int64 `(10000, 1)`. (Keras returns int64 labels here, uint8 for CIFAR-10.)

    Example (downloads 169 MB the first time):

    >>> (x_train, y_train), _ = load_data(label_mode="coarse")  # doctest: +SKIP
    >>> x_train.shape, int(y_train.max())  # doctest: +SKIP
    ((50000, 32, 32, 3), 19)
    >>> load_data(label_mode="medium")
    Traceback (most recent call last):
    ...
    ValueError: `label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode=medium.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError('`label_mode` must be one of `"fine"`, `"coarse"`. '
                         f"Received: label_mode={label_mode}.")
    path = batch_folder(sources.fetch("cifar100", "cifar-100-python-target"), "cifar-100-python")
    x_train, y_train = load_batch(os.path.join(path, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_batch(os.path.join(path, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    return (to_data_format(x_train), y_train), (to_data_format(x_test), y_test)
