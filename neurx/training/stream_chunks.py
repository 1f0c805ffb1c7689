"""Batches from a generator or a `Sequence`/`PyDataset`, as a batch source like `chunks.py`'s.

Each batch is one chunk, padded to the first batch's size (mask 0 on the padding), so one
compiled step serves the whole stream, the short last batch included. The next batch is
prepared on the host while the device works on this one. A `Sequence` is read afresh each
epoch (its `on_epoch_begin`/`on_epoch_end` hooks run); a generator is one stream shared by
every epoch and every evaluation of one `fit`.
"""
from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from neurx.training import data as data_utils
from neurx.training.chunks import BatchSource, epoch_keys


class StreamChunks(BatchSource):
    """A stream of `(x, y, sample_weight)` batches, with `DeviceChunks`'s interface.

    `prepare(x, y, sample_weight)` turns one batch into `(x_leaves, x_treedef, y_leaves,
    sample_weight)` host arrays (the model's checks and class weights included).
    `sample` is the first batch's `(x_leaves, x_treedef, y_leaves)`: the shapes the steps are
    built for.

    >>> import numpy as np
    >>> def prepare(x, y, w):
    ...     return [x], None, [y], w
    >>> batches = [(np.ones((4, 2)), np.ones(4)), (np.ones((3, 2)), np.ones(3))]
    >>> source = StreamChunks(batches, prepare)
    >>> [(start, end, masks.tolist()) for start, end, _, _, masks in source.epoch(1)[1]]
    [(0, 1, [[1.0, 1.0, 1.0, 1.0]]), (1, 2, [[1.0, 1.0, 1.0, 0.0]])]
    >>> source.close()
    """

    n = None

    def __init__(self, source, prepare, steps_limit: int | None = None):
        self.source, self.prepare = source, prepare
        self.steps_limit = None if steps_limit is None else int(steps_limit)
        self.steps = self.steps_limit or (len(source) if hasattr(source, "__len__") else None)
        # A generator is one stream for the whole fit; a Sequence is read afresh each epoch.
        self._shared_stream = not (hasattr(source, "__getitem__") and hasattr(source, "__len__"))
        self._reader: data_utils.Prefetcher | None = None
        self._size = None
        self._opened = None   # (first prepared batch, the rest) of an epoch not yet run
        self._sample = None

    @property
    def sample(self) -> tuple:
        if self._sample is None:
            self._opened = self._open()
            first = self._opened[0]
            if first is None:
                raise ValueError("The data source yielded no batches. Give a generator that "
                                 "yields (x, y) or (x, y, sample_weight) tuples.")
            self._sample = first[:3]
        return self._sample

    def max_chunk(self, requested: int) -> int:
        return 1

    def close(self) -> None:
        """Stops the threads reading the source ahead (the end of `fit`, `evaluate`, ...)."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def _open(self):
        if not (self._shared_stream and self._reader is not None):
            self.close()   # a Sequence's last epoch, which steps_limit may have cut short
            self._reader = data_utils.batch_source_iterator(self.source)
        raw = self._reader
        if self.steps_limit is not None:
            raw = itertools.islice(raw, self.steps_limit)
        prepared = (self.prepare(*batch) for batch in raw)
        return next(prepared, None), prepared

    def epoch(self, chunk: int = 1, key=None, epoch: int = 0, shuffle: bool = False):
        """`(step key, batches)` of one pass, as `DeviceChunks.epoch` (`shuffle` is the
        source's own business)."""
        first, rest = self._opened if self._opened is not None else self._open()
        self._opened = None
        if first is None:
            raise ValueError("The data source yielded no batches in epoch "
                             f"{epoch + 1}. A generator is exhausted after one pass: give "
                             "`steps_per_epoch` with an endless generator, or use a Sequence.")
        step_key = None if key is None else epoch_keys(key, epoch)[1]
        batches = (self._padded(step, batch)
                   for step, batch in enumerate(itertools.chain([first], rest)))
        return step_key, batches

    def _padded(self, step, batch):
        x_leaves, _, y_leaves, sample_weight = batch
        n = data_utils.num_samples(x_leaves)
        self._size = n if self._size is None else max(self._size, n)
        mask = np.zeros(self._size, "float32")
        mask[:n] = 1
        weights = np.ones(n, "float32") if sample_weight is None else sample_weight
        arrays = ([_pad_rows(a, self._size) for a in x_leaves],
                  [_pad_rows(a, self._size) for a in y_leaves], _pad_rows(weights, self._size))
        data = jax.tree_util.tree_map(jnp.asarray, arrays)
        return step, step + 1, data, jnp.arange(self._size)[None, :], jnp.asarray(mask)[None, :]


def _pad_rows(array, size):
    if len(array) == size:
        return array
    pad = [(0, size - len(array))] + [(0, 0)] * (array.ndim - 1)
    return np.pad(array, pad)
