"""`PyDataset` (Keras 3) and `Sequence` (tf.keras 2): batches by index, for data that does
not fit in memory or is made on the fly."""
from __future__ import annotations

import abc


class PyDataset(abc.ABC):
    """Base class for a dataset of batches: define `__len__` (number of batches) and
    `__getitem__(index)` returning `(x, y)` or `(x, y, sample_weight)`.

    `fit`, `evaluate` and `predict` read the batches in order, preparing the next ones
    in a background thread while the current one trains (`max_queue_size` ahead).

    Example:
    >>> import numpy as np
    >>> class Batches(PyDataset):
    ...     def __len__(self):
    ...         return 2
    ...     def __getitem__(self, index):
    ...         return np.full((4, 3), index, "float32"), np.zeros(4)
    >>> len(Batches()), Batches()[1][0].shape
    (2, (4, 3))
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self.workers = int(workers)
        self.use_multiprocessing = bool(use_multiprocessing)
        self.max_queue_size = int(max_queue_size)

    @abc.abstractmethod
    def __len__(self) -> int:
        """Number of batches in one epoch."""

    @abc.abstractmethod
    def __getitem__(self, index):
        """Batch number `index`."""

    @property
    def num_batches(self) -> int:
        return len(self)

    def on_epoch_begin(self):  # noqa: B027 (an optional hook)
        """Called before each epoch."""

    def on_epoch_end(self):  # noqa: B027 (an optional hook)
        """Called after each epoch (shuffle here)."""


Sequence = PyDataset
