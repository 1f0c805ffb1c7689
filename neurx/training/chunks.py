"""Where the training rows live, and how each epoch is cut into chunks of batches.

`DeviceChunks`: the whole dataset is put on the device once; each epoch's plan (row
indices, shuffled on the host from the epoch's key, as `StagedChunks` shuffles) goes to the
device, and a chunk is a slice of that plan (the whole plan when the chunk is the epoch).
The device copy is padded with zero rows to a size shared by nearby row counts
(`padded_rows`), so the cv folds of a search (1,333 and 1,334 rows) run one compiled
program; the plan never indexes the padding, so results are those of the unpadded rows.

`StagedChunks`: the rows stay on the host (a NumPy memmap, or data larger than
the staging budget); each chunk's rows are gathered on the host and sent to the
device by a background thread while the previous chunk trains, so memory stays
bounded by about two chunks.
"""
from __future__ import annotations

import concurrent.futures
import mmap

import jax
import numpy as np

from neurx import config, rng
from neurx.distribution import distribution


def make_chunks(x_leaves, x_treedef, y_leaves, sample_weight, batch_size, steps_limit=None):
    """DeviceChunks, or StagedChunks for memmaps and data over the staging budget."""
    arrays = list(x_leaves) + list(y_leaves) + ([sample_weight] if sample_weight is not None else [])
    total_bytes = sum(a.nbytes for a in arrays)
    if any(isinstance(a, np.memmap) for a in arrays) or total_bytes > config.staging_budget():
        source = StagedChunks(x_leaves, y_leaves, sample_weight, batch_size, steps_limit)
    else:
        source = DeviceChunks(x_leaves, y_leaves, sample_weight, batch_size, steps_limit)
    source.sample = (x_leaves, x_treedef, y_leaves)
    return source


class BatchSource:
    """What every batch source (`DeviceChunks`, `StagedChunks`, `stream_chunks.StreamChunks`)
    has: `steps` (batches per epoch, None when unknown), `n` (rows, None when unknown),
    `sample` (`(x_leaves, x_treedef, y_leaves)`, the shapes the steps are built for),
    `max_chunk(requested)`, `epoch(chunk, key, epoch, shuffle) -> (step key, batches)`, and
    `close()`, which the loop calls when it is done with the source.
    """

    def close(self) -> None:
        """Releases what the source holds between epochs (nothing, unless it says)."""


def _steps(n, batch_size, steps_limit):
    steps = -(-n // batch_size)
    return min(int(steps_limit), steps) if steps_limit else steps


class DeviceChunks(BatchSource):
    """All rows on the device; chunks are slices of a per-epoch (shuffled) plan."""

    def __init__(self, x_leaves, y_leaves, sample_weight, batch_size, steps_limit=None):
        self.n = len(x_leaves[0])
        self.batch_size = batch_size
        self.steps = _steps(self.n, batch_size, steps_limit)
        rows = padded_rows(self.n)
        self.data = ([_on_devices(_padded(a, rows)) for a in x_leaves],
                     [_on_devices(_padded(a, rows)) for a in y_leaves],
                     None if sample_weight is None else _on_devices(_padded(sample_weight, rows)))

    def max_chunk(self, requested: int) -> int:
        return requested

    def epoch(self, chunk: int, key=None, epoch: int = 0, shuffle: bool = False):
        """`(step key, batches)` of one epoch; `batches` yields `(start, end, data, indices,
        masks)` per chunk. Without a key: the rows in order, and no step key."""
        step_key, order = epoch_order(key, epoch, self.n, shuffle)
        indices, masks = _on_devices(batch_plan(order, self.batch_size, self.steps))
        return step_key, self._batches(indices, masks, chunk)

    def _batches(self, indices, masks, chunk):
        if chunk >= self.steps:
            yield 0, self.steps, self.data, indices, masks
            return
        for start in range(0, self.steps, chunk):
            end = min(start + chunk, self.steps)
            yield start, end, self.data, indices[start:end], masks[start:end]


class StagedChunks(BatchSource):
    """Rows stay on the host; each chunk is gathered and transferred ahead of its use."""

    def __init__(self, x_leaves, y_leaves, sample_weight, batch_size, steps_limit=None):
        self.x_leaves, self.y_leaves, self.sample_weight = x_leaves, y_leaves, sample_weight
        self.n = len(x_leaves[0])
        self.batch_size = batch_size
        self.steps = _steps(self.n, batch_size, steps_limit)
        arrays = list(x_leaves) + list(y_leaves)
        self.row_bytes = sum(a.nbytes // max(len(a), 1) for a in arrays) + 4

    def max_chunk(self, requested: int) -> int:
        """At most two chunks (the one training, the one being staged) fit the budget."""
        per_batch = self.row_bytes * self.batch_size
        return max(1, min(requested, config.staging_budget() // (2 * per_batch)))

    def _gather(self, rows):
        order = np.argsort(rows)
        sorted_rows = rows[order]

        def take(array):
            picked = np.empty((len(rows),) + array.shape[1:], array.dtype)
            if isinstance(array, np.memmap):
                # Shuffled rows touch pages across the whole file (and the kernel maps
                # neighbouring pages on each fault): read in small pieces, dropping the
                # mapped pages after each, so the resident set stays small.
                for start in range(0, len(rows), _PIECE_ROWS):
                    piece = slice(start, start + _PIECE_ROWS)
                    picked[order[piece]] = array[sorted_rows[piece]]
                    _release_pages(array)
            else:
                picked[order] = array[sorted_rows]
            return picked.astype("float32") if picked.dtype == np.float64 else picked

        x = [_on_devices(take(a)) for a in self.x_leaves]
        y = [_on_devices(take(a)) for a in self.y_leaves]
        sw = None if self.sample_weight is None else _on_devices(take(self.sample_weight))
        return x, y, sw

    def _prepare(self, plan, start, end):
        rows = plan[start * self.batch_size:end * self.batch_size]
        count = len(rows)
        padded = np.concatenate([rows, np.zeros((end - start) * self.batch_size - count, rows.dtype)])
        mask = (np.arange(len(padded)) < count).astype("float32")
        data = self._gather(padded)
        indices = np.arange(len(padded)).reshape(end - start, self.batch_size)
        return data, _on_devices(indices), _on_devices(mask.reshape(end - start, self.batch_size))

    def epoch(self, chunk: int, key=None, epoch: int = 0, shuffle: bool = False):
        """`(step key, batches)` of one epoch, as `DeviceChunks.epoch`; each chunk is staged in
        the background while the one before trains."""
        step_key, plan = epoch_order(key, epoch, self.n, shuffle)
        return step_key, self._batches(plan, chunk)

    def _batches(self, plan, chunk):
        bounds = [(s, min(s + chunk, self.steps)) for s in range(0, self.steps, chunk)]
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            pending = pool.submit(self._prepare, plan, *bounds[0]) if bounds else None
            for i, (start, end) in enumerate(bounds):
                data, indices, masks = pending.result()
                if i + 1 < len(bounds):
                    pending = pool.submit(self._prepare, plan, *bounds[i + 1])
                yield start, end, data, indices, masks


_PIECE_ROWS = 64


def epoch_keys(key, epoch: int) -> tuple[np.random.Generator, jax.Array]:
    """(shuffle generator, step key) of one epoch of a fit whose key is `key`. They depend
    only on the key and the epoch, so a resumed fit draws what an uninterrupted one would,
    and are drawn on the host: no program is compiled for them.

    >>> shuffler, step_key = epoch_keys(jax.random.key(0), 3)
    >>> shuffler.permutation(4).tolist() == epoch_keys(jax.random.key(0), 3)[0].permutation(4).tolist()
    True
    """
    words = np.asarray(jax.random.key_data(key)).ravel().tolist()
    return np.random.default_rng(words + [epoch, 0]), rng.key_from(*words, epoch, 1)


def epoch_order(key, epoch: int, n: int, shuffle: bool):
    """`(step key, row order)` of one epoch of a fit whose key is `key` (`(None, rows in
    order)` without a key). The order is drawn on the host: a device permutation compiles a
    program per row count, slower to compile (about a second) than most small models'
    epochs are to run.

    >>> step_key, order = epoch_order(jax.random.key(0), 0, 5, shuffle=True)
    >>> sorted(order.tolist()), epoch_order(None, 0, 3, shuffle=True)[1].tolist()
    ([0, 1, 2, 3, 4], [0, 1, 2])
    """
    if key is None:
        return None, np.arange(n, dtype=np.int32)
    shuffler, step_key = epoch_keys(key, epoch)
    if not shuffle:
        return step_key, np.arange(n, dtype=np.int32)
    return step_key, shuffler.permutation(n).astype(np.int32)


def batch_plan(order, batch_size: int, steps: int | None = None):
    """Index and mask arrays of shape (steps, batch_size) for the rows in `order`: the last
    batch is padded with row 0 and mask 0; `steps` keeps the first batches only.

    >>> indices, masks = batch_plan(np.arange(5), 2)
    >>> indices.tolist(), masks.tolist()
    ([[0, 1], [2, 3], [4, 0]], [[1.0, 1.0], [1.0, 1.0], [1.0, 0.0]])
    """
    n = len(order)
    total = -(-n // batch_size)
    indices = np.zeros(total * batch_size, np.int32)
    indices[:n] = order
    masks = (np.arange(total * batch_size) < n).astype(np.float32)
    steps = total if steps is None else steps
    return (indices.reshape(total, batch_size)[:steps],
            masks.reshape(total, batch_size)[:steps])


def padded_rows(n: int) -> int:
    """The rows a device copy of `n` rows is padded to: `n` rounded up to a sixteenth of the
    next power of two (at most 1/8 more rows), so that data sets of nearby sizes (the folds
    of a cross-validation, a refit on all of them) have one shape.

    >>> padded_rows(1333), padded_rows(1334), padded_rows(666), padded_rows(667), padded_rows(9)
    (1408, 1408, 704, 704, 9)
    """
    step = 1 << max(0, n.bit_length() - 4)
    return -(-n // step) * step


def _padded(array, rows: int):
    """A copy of `array` with zero rows appended up to `rows` (a copy: the device array may
    share its memory, and the caller's array may change)."""
    padded = np.zeros((rows,) + array.shape[1:], array.dtype)
    padded[:len(array)] = array
    return padded


def _on_devices(tree):
    """Host data onto the device: replicated over the mesh when a distribution is set
    (each batch is split over the batch axis inside the step). On a CPU the device array may
    share the host array's memory: pass arrays nobody else changes."""
    dist = distribution()
    if dist is None:   # `jnp.asarray` would compile a program per shape to copy the array
        return jax.device_put(tree)
    return jax.tree_util.tree_map(
        lambda a: dist.to_global(np.asarray(a), dist.replicated()), tree)


def _release_pages(array):
    """Drops a memmap's pages from this process's resident set once they were copied."""
    mapping = getattr(array, "_mmap", None)   # np.memmap keeps its mmap.mmap here
    if mapping is not None and hasattr(mapping, "madvise"):
        mapping.madvise(mmap.MADV_DONTNEED)
