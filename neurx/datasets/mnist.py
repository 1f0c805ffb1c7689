"""MNIST handwritten digits (`keras.datasets.mnist`): Keras's `mnist.npz`, verified by its hash.

>>> from neurx.datasets import sources
>>> sources.remote("mnist", "mnist.npz").origin
'https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz'
"""
from __future__ import annotations

import numpy as np

from neurx.datasets import sources

__all__ = ["load_data"]


def load_data(path: str = "mnist.npz"):
    """Loads the MNIST dataset: 60,000 28x28 grayscale digit images and 10,000 test images.

    The file is Keras's published `mnist.npz` (SHA-256 checked), cached in
    `~/.neurx/datasets/` (or reused from `~/.keras/datasets/`); see `neurx.utils.get_file`.

    Args:
        path: file name of the cached copy, in the cache folder.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_train` uint8 `(60000, 28, 28)` with pixel
        values 0-255, `y_train` uint8 `(60000,)` digits 0-9, `x_test` uint8 `(10000, 28, 28)`,
        `y_test` uint8 `(10000,)`.

    Example (downloads 11 MB the first time):

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, y_train.shape, x_test.shape, y_test.shape  # doctest: +SKIP
    ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,))

    License: Yann LeCun and Corinna Cortes hold the copyright of MNIST, a derivative of NIST's
    data, available under the Creative Commons Attribution-Share Alike 3.0 license.
    """
    local = sources.fetch("mnist", "mnist.npz", path)
    with np.load(local, allow_pickle=False) as f:
        return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
