"""Array helpers of `keras.utils`: `to_categorical`, `normalize`."""
from __future__ import annotations

import numpy as np

from neurx import validation


def to_categorical(x, num_classes=None) -> np.ndarray:
    """One-hot encodes integer class labels.

    >>> to_categorical([0, 2], num_classes=3).tolist()
    [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]
    """
    x = _class_indices(x)
    shape = x.shape
    if shape and shape[-1] == 1 and len(shape) > 1:
        shape = shape[:-1]
    x = x.reshape(-1)
    if num_classes is None:
        num_classes = int(x.max()) + 1 if x.size else 1
    num_classes = validation.whole_number(num_classes, "num_classes", "to_categorical()")
    if x.size and x.max() >= num_classes:
        raise ValueError(f"`x` of to_categorical() holds the class index {int(x.max())}, outside "
                         f"[0, {num_classes}) for num_classes={num_classes}. Pass a larger "
                         "`num_classes`, or leave it out to use the largest index + 1.")
    out = np.zeros((x.size, num_classes), dtype="float32")
    out[np.arange(x.size), x] = 1
    return out.reshape(shape + (num_classes,))


def _class_indices(x) -> np.ndarray:
    """Class labels as int64, refusing text, fractions and negative numbers."""
    x = np.asarray(x)
    if x.dtype.kind not in "biuf":
        raise TypeError(f"`x` of to_categorical() must hold integer class indices. Received "
                        f"an array of dtype {x.dtype}: turn text labels into indices first "
                        "(for example with `keras.layers.StringLookup`).")
    if x.dtype.kind == "f" and not np.all(np.isfinite(x) & (x == np.round(x))):
        bad = x[~(np.isfinite(x) & (x == np.round(x)))].flat[0]
        raise ValueError(f"`x` of to_categorical() must hold integer class indices. Received "
                         f"the value {bad}.")
    if x.size and x.min() < 0:
        raise ValueError(f"`x` of to_categorical() must hold class indices >= 0. Received "
                         f"the value {x.min()}.")
    return x.astype("int64")


def normalize(x, axis=-1, order=2) -> np.ndarray:
    """Scales `x` to unit `order`-norm along `axis`.

    >>> normalize([[3.0, 4.0]]).astype(float).round(3).tolist()
    [[0.6, 0.8]]
    """
    x = np.asarray(validation.numeric(x, "x", "normalize()"), dtype="float32")
    if x.ndim == 0:
        raise ValueError(f"`x` of normalize() must be an array with at least one axis. "
                         f"Received: x={x!r}")
    axis = validation.whole_number(axis, "axis", "normalize()", -x.ndim, x.ndim - 1)
    order = validation.number_in_range(order, "order", "normalize()", 0, include_low=False)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
