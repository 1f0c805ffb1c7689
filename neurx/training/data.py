"""Turning what users pass to fit/evaluate/predict into flat lists of arrays.

What it owns: the accepted forms of `x`, `y`, `sample_weight` and
`validation_data` (arrays, lists, tuples, dicts by input name, generators and
`Sequence` objects), `validation_split`, `class_weight`, and the checks that
give a clear message when sample counts disagree.
"""
from __future__ import annotations

import math
import queue
import threading

import jax
import numpy as np

from neurx import validation
from neurx.naming import unknown_key_hint


def is_batch_source(x) -> bool:
    """A generator, iterator or keras `Sequence`/`PyDataset`-like object yielding batches."""
    if isinstance(x, (np.ndarray, list, tuple, dict)) or x is None or hasattr(x, "shape"):
        return False
    return hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__")) \
        or hasattr(x, "__iter__")


def to_numpy(x, float_dtype="float32"):
    """One array, with float64 data cast to float32 as Keras does (memmaps stay on disk)."""
    if isinstance(x, np.memmap):
        return x
    array = np.asarray(x)
    if array.dtype == np.float64 or array.dtype == np.float16 and float_dtype != "float16":
        array = array.astype(float_dtype)
    if array.dtype == object:
        raise TypeError(f"Cannot use data of dtype object (shape {array.shape}) as model "
                        "input; convert it to a numeric array first (text: "
                        "keras.layers.StringLookup for categories, "
                        "keras.layers.TextVectorization for sentences).")
    return array


def flatten_structure(data):
    """Flat list of NumPy arrays (None stays out) from an array, list, tuple or dict."""
    if data is None:
        return []
    if isinstance(data, dict):
        return [to_numpy(v) for v in data.values()]
    if isinstance(data, (list, tuple)):
        if data and all(np.isscalar(v) for v in data):
            return [to_numpy(data)]
        return [to_numpy(v) for v in data]
    return [to_numpy(data)]


def num_samples(arrays, what="x") -> int:
    counts = {len(a) for a in arrays}
    if len(counts) > 1:
        raise ValueError(f"Data cardinality is ambiguous: the arrays in `{what}` have "
                         f"different numbers of samples {[len(a) for a in arrays]}. Make "
                         "sure all arrays contain the same number of samples.")
    return counts.pop() if counts else 0


def check_same_count(x_arrays, y_arrays, w=None):
    nx = num_samples(x_arrays, "x")
    if y_arrays:
        ny = num_samples(y_arrays, "y")
        if nx != ny:
            raise ValueError(f"Data cardinality is ambiguous: x has {nx} samples but y has "
                             f"{ny} samples. Make sure x and y contain the same number of "
                             "samples.")
    if w is not None and len(w) != nx:
        raise ValueError(f"sample_weight has {len(w)} entries but x has {nx} samples.")
    return nx


def split_validation(arrays: list, fraction: float):
    """Keras's validation_split: the last `fraction` of samples, taken before shuffling."""
    fraction = validation.number_in_range(fraction, "validation_split", "fit()", 0, 1,
                                          include_low=False, include_high=False)
    n = len(arrays[0])
    split_at = int(math.floor(n * (1.0 - fraction)))
    if split_at == 0 or split_at == n:
        raise ValueError(f"validation_split={fraction} leaves no samples for training or "
                         f"validation out of {n} samples.")
    return [a[:split_at] for a in arrays], [a[split_at:] for a in arrays]


def unpack_validation(validation_data):
    """(x_val, y_val) or (x_val, y_val, sample_weight_val) -> the three parts."""
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be a tuple (x_val, y_val) or (x_val, y_val, "
                         f"val_sample_weight). Received: {type(validation_data).__name__} "
                         f"of length {len(validation_data) if hasattr(validation_data, '__len__') else '?'}")
    x, y = validation_data[0], validation_data[1]
    w = validation_data[2] if len(validation_data) == 3 else None
    return x, y, w


def sample_weight_array(sample_weight, output_names) -> np.ndarray | None:
    """`sample_weight` as one float32 array: shape `(samples,)` for weights shared by every
    output, `(samples, outputs)` for weights per output, given as a dict by output name (an
    output left out weighs 1) or a list with one entry per output (None weighs 1).

    >>> sample_weight_array({"score": [1, 2]}, ["kind", "score"]).tolist()
    [[1.0, 1.0], [1.0, 2.0]]
    >>> sample_weight_array({"scores": [1, 2]}, ["score"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: `sample_weight` has keys ['scores'], ... Did you mean 'score'?
    """
    if sample_weight is None:
        return None
    if isinstance(sample_weight, dict):
        if set(sample_weight) - set(output_names):
            raise ValueError(f"`sample_weight` has keys {list(sample_weight)}, but the model's "
                             f"outputs are {list(output_names)}."
                             f"{unknown_key_hint(sample_weight, output_names)}")
        return _per_output_weights([sample_weight.get(name) for name in output_names],
                                   output_names)
    if isinstance(sample_weight, (list, tuple)) and len(output_names) > 1 and \
            any(w is None or np.ndim(w) > 0 for w in sample_weight):
        if len(sample_weight) != len(output_names):
            raise ValueError(f"`sample_weight` is a list of {len(sample_weight)} arrays, but "
                             f"the model has {len(output_names)} outputs {list(output_names)}. "
                             "Give one array per output (None for an unweighted one), a dict "
                             "by output name, or one array shared by every output.")
        return _per_output_weights(list(sample_weight), output_names)
    return _weights_of("sample_weight", sample_weight)


def _per_output_weights(weights: list, output_names) -> np.ndarray:
    """One column per output; a single output's weights stay one column-less array."""
    given = [(name, _weights_of(f"sample_weight['{name}']", w))
             for name, w in zip(output_names, weights) if w is not None]
    if not given:
        raise ValueError("`sample_weight` holds no weights (every entry is None). Pass "
                         "sample_weight=None to weigh every sample 1.")
    if len(output_names) == 1:
        return given[0][1]
    counts = {name: len(w) for name, w in given}
    if len(set(counts.values())) > 1:
        raise ValueError(f"The per-output `sample_weight` arrays have different numbers of "
                         f"samples {counts}; each needs one weight per sample.")
    by_name = dict(given)
    rows = len(given[0][1])
    return np.stack([by_name.get(name, np.ones(rows, "float32")) for name in output_names],
                    axis=1)


def _weights_of(what: str, weights) -> np.ndarray:
    array = np.asarray(weights)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.dtype.kind not in "biuf" or array.ndim != 1 or isinstance(weights, bool):
        raise TypeError(f"`{what}` must be an array of numbers, one weight per sample. "
                        f"Received: {what}={weights!r}")
    return array.astype("float32")


def combined_sample_weight(y_leaves: list, sample_weight, class_weight,
                           output_names=("output",)) -> np.ndarray | None:
    """The one weight per row that training uses: `sample_weight` (see
    `sample_weight_array`) times the weight of each row's class in `class_weight` (labels
    of the first output), or None without either.

    >>> combined_sample_weight([np.array([0, 1, 1])], [1.0, 1.0, 0.5], {1: 4.0}).tolist()
    [1.0, 4.0, 2.0]
    """
    weights = sample_weight_array(sample_weight, output_names)
    if class_weight is None:
        return weights
    per_class = class_weights_to_sample_weights(y_leaves[0], class_weight)
    return per_class if weights is None else weights * per_class


def class_weights_to_sample_weights(y: np.ndarray, class_weight: dict) -> np.ndarray:
    """Per-sample weights from `class_weight` (labels as ints or one-hot rows)."""
    labels = np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    labels = labels.astype(int)
    weights = np.ones(len(labels), "float32")
    for cls, weight in class_weight.items():
        weights[labels == int(cls)] = weight
    return weights


def batch_source_iterator(source) -> Prefetcher:
    """Yields (x, y, sample_weight) batches from a generator or a Sequence-like object,
    produced ahead in a background thread (`max_queue_size` batches, default 10); `close()`
    it when done."""
    depth = int(getattr(source, "max_queue_size", 10) or 1)
    return Prefetcher((_split_batch(batch) for batch in _raw_batches(source)), depth)


def _raw_batches(source):
    if hasattr(source, "__getitem__") and hasattr(source, "__len__") and not hasattr(source, "__next__"):
        if hasattr(source, "on_epoch_begin"):
            source.on_epoch_begin()
        for i in range(len(source)):
            yield source[i]
        if hasattr(source, "on_epoch_end"):
            source.on_epoch_end()
        return
    # Not `yield from`: closing this reader must not close the user's generator, which a
    # later evaluate or fit may go on reading.
    for batch in source:  # noqa: UP028
        yield batch


class Prefetcher:
    """Iterates `iterator` in a background thread, at most `depth` items ahead.

    Host work of the next batches (a generator's augmentation, a Sequence's disk reads)
    overlaps the device's work on the current one. Errors reach the consumer. `close()`
    stops the thread and waits for it (after the item it may be producing).

    >>> prefetcher = Prefetcher(iter(range(5)), depth=2)
    >>> list(prefetcher)
    [0, 1, 2, 3, 4]
    >>> prefetcher.close()
    """

    _DONE = object()
    THREAD_NAME = "neurx-prefetcher"

    def __init__(self, iterator, depth=10):
        self._queue = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        # The thread refers to the queue and the event, not to the Prefetcher, so an
        # abandoned Prefetcher is collected and its `__del__` stops the thread.
        self._thread = threading.Thread(target=_produce, name=self.THREAD_NAME, daemon=True,
                                        args=(iterator, self._queue, self._stop, self._DONE))
        self._thread.start()

    def __iter__(self):
        return self

    def __next__(self):
        ok, item = self._queue.get()
        if not ok:
            raise item
        if item is self._DONE:
            raise StopIteration
        return item

    def close(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(timeout)

    def __del__(self):
        self._stop.set()


def _produce(iterator, items: queue.Queue, stop: threading.Event, done) -> None:
    def put(item) -> bool:
        while not stop.is_set():
            try:
                items.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    try:
        for item in iterator:
            if not put((True, item)):
                return
    except BaseException as error:  # handed to the consumer, raised there
        put((False, error))
        return
    put((True, done))


def _split_batch(batch):
    if isinstance(batch, tuple):
        if len(batch) == 1:
            return batch[0], None, None
        if len(batch) == 2:
            return batch[0], batch[1], None
        if len(batch) == 3:
            return batch
    return batch, None, None


def tree_len(tree) -> int:
    return len(jax.tree_util.tree_leaves(tree)[0])
