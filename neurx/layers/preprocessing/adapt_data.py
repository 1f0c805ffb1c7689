"""The data that `adapt()` accepts, as a stream of NumPy batches on the host.

What it owns: one reading of `adapt(data, batch_size=None, steps=None)` for
every preprocessing layer: an array (NumPy, JAX, list of values) is one batch,
or is cut into batches of `batch_size`; any other iterable (a generator, a
`PyDataset`-like sequence, a list of arrays) yields its batches, of which the
first `steps` are used; `(x, y)` tuples contribute `x`.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np


def _first(batch):
    return batch[0] if isinstance(batch, tuple) else batch


def _is_array_like(data) -> bool:
    if isinstance(data, (np.ndarray, np.generic, str, bytes, int, float)):
        return True
    if hasattr(data, "shape") and hasattr(data, "dtype"):
        return True
    if isinstance(data, (list, tuple)):
        # A list of arrays is a list of batches; a (nested) list of values is data.
        return not any(hasattr(item, "shape") and hasattr(item, "dtype") and
                       np.ndim(item) > 0 for item in data)
    return False


def iter_batches(data, batch_size=None, steps=None, dtype=None) -> Iterator[np.ndarray]:
    """Yields the batches of `data` as NumPy arrays (see the module docstring).

    >>> [b.tolist() for b in iter_batches(np.arange(5), batch_size=2)]
    [[0, 1], [2, 3], [4]]
    >>> [b.tolist() for b in iter_batches(iter([[1, 2], [3]]), steps=1)]
    [[1, 2]]
    """
    if batch_size is not None and int(batch_size) <= 0:
        raise ValueError("`batch_size` must be a positive integer. "
                         f"Received: batch_size={batch_size}")
    if _is_array_like(data):
        array = np.asarray(data, dtype=dtype)
        if batch_size is None or array.ndim == 0:
            yield array
            return
        starts = range(0, len(array), int(batch_size))
        for step, start in enumerate(starts):
            if steps is not None and step >= steps:
                return
            yield array[start:start + int(batch_size)]
        return
    if not hasattr(data, "__iter__") and not hasattr(data, "__getitem__"):
        raise TypeError("adapt() expects an array, a list of values, or an iterable of "
                        f"batches (a generator or a PyDataset). Received: {type(data).__name__}")
    iterator = iter(data) if hasattr(data, "__iter__") else (data[i] for i in range(len(data)))
    count = 0
    for batch in iterator:
        if steps is not None and count >= steps:
            return
        count += 1
        yield np.asarray(_first(batch), dtype=dtype)
    if count == 0:
        raise ValueError("adapt() received an empty iterable (no batches). Pass an array or "
                         "an iterable that yields at least one batch.")


def is_batch_stream(data) -> bool:
    """Generators and datasets are streams of batches; arrays and lists are data.

    >>> is_batch_stream(iter([])), is_batch_stream([["a"]])
    (True, False)
    """
    if isinstance(data, (list, tuple, np.ndarray, str, bytes)) or hasattr(data, "dtype"):
        return False
    return hasattr(data, "__iter__") or hasattr(data, "__getitem__")
