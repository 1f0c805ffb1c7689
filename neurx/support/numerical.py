"""Array helpers of `keras.utils`: `to_categorical`, `normalize`."""
from __future__ import annotations

import numpy as np


def to_categorical(x, num_classes=None) -> np.ndarray:
    """One-hot encodes integer class labels.

    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    x = np.asarray(x, dtype="int64")
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    num_classes = int(num_classes) if num_classes is not None else int(x.max()) + 1
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1
    return out.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2) -> np.ndarray:
    """Scales `x` to unit `order`-norm along `axis`.

    >>> normalize([[3.0, 4.0]]).astype(float).round(3).tolist()
    [[0.6, 0.8]]
    """
    x = np.asarray(x, dtype="float32")
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
