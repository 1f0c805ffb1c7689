"""Boston housing prices (`keras.datasets.boston_housing`): Keras's `boston_housing.npz`.

506 districts of the Boston suburbs in the late 1970s, 13 attributes each (from StatLib), and
the median home value in k$. Note Keras's warning: the attribute "B" encodes an assumption
about racial self-segregation; use the data only to illustrate that ethical problem.
"""
from __future__ import annotations

import numpy as np

from neurx.datasets import sources

__all__ = ["load_data"]


def load_data(path: str = "boston_housing.npz", test_split: float = 0.2, seed: int = 113):
    """Loads the Boston housing dataset (Keras's published file, SHA-256 checked).

    The rows are shuffled with `np.random.RandomState(seed)`; the last `test_split` fraction
    is the test set, as in Keras.

    Args:
        path: file name of the cached copy, in the cache folder.
        test_split: fraction of the rows kept for the test set, in `[0, 1)`.
        seed: seed of the shuffle done before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` float64 `(n, 13)`, `y_*` float64 `(n,)`
        home prices in k$ (typically 10 to 50).

    Example (downloads 57 kB the first time):

    >>> (x_train, y_train), (x_test, y_test) = load_data()  # doctest: +SKIP
    >>> x_train.shape, x_test.shape  # doctest: +SKIP
    ((404, 13), (102, 13))
    >>> load_data(test_split=1)
    Traceback (most recent call last):
    ...
    ValueError: Invalid `test_split` argument: it must be in [0, 1). Received: test_split=1
    """
    if not 0 <= test_split < 1:
        raise ValueError("Invalid `test_split` argument: it must be in [0, 1). "
                         f"Received: test_split={test_split}")
    local = sources.fetch("boston_housing", "boston_housing.npz", path)
    with np.load(local, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    rng = np.random.RandomState(seed)
    indices = np.arange(len(x))
    rng.shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))
