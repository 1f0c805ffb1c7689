"""fit/evaluate/predict on batches from a generator or a `Sequence`-like object.

Each batch is padded to the first batch's size (mask 0 on the padding), so one
compiled step serves the whole stream, the short last batch included.
"""
from __future__ import annotations

import itertools

import jax
import jax.numpy as jnp
import numpy as np

from neurx import rng
from neurx.training import data as data_utils
from neurx.training.epoch_loop import run_chunks


def _pad_rows(array, size):
    if len(array) == size:
        return array
    pad = [(0, size - len(array))] + [(0, 0)] * (array.ndim - 1)
    return np.pad(array, pad)


class _BatchFeeder:
    """Turns (x, y, sample_weight) batches into the padded device arrays a chunk takes."""

    def __init__(self, model):
        self.model = model
        self.size = None

    def prepare(self, x, y, w, class_weight=None):
        x_leaves, x_treedef, _ = self.model._prepare(x, None)
        y_leaves = self.model._standardize_y_for_fit(y, x_leaves, x_treedef) if y is not None else []
        w = None if w is None else np.asarray(w, "float32")
        if class_weight is not None:
            cw = data_utils.class_weights_to_sample_weights(y_leaves[0], class_weight)
            w = cw if w is None else w * cw
        n = data_utils.check_same_count(x_leaves, y_leaves, w)
        if self.size is None or n > self.size:
            self.size = n
        mask = np.zeros(self.size, "float32")
        mask[:n] = 1
        if w is None:
            w = np.ones(n, "float32")
        arrays = ([_pad_rows(a, self.size) for a in x_leaves],
                  [_pad_rows(a, self.size) for a in y_leaves], _pad_rows(w, self.size))
        data = jax.tree_util.tree_map(jnp.asarray, arrays)
        indices = jnp.arange(self.size)[None, :]
        return x_leaves, x_treedef, y_leaves, data, indices, jnp.asarray(mask)[None, :]


def _take(source, steps):
    iterator = data_utils.batch_source_iterator(source)
    return iterator if steps is None else itertools.islice(iterator, int(steps))


def fit_batches(model, source, epochs, verbose, callbacks, validation_data, initial_epoch,
                steps_per_epoch, validation_steps, class_weight, validation_freq=1):
    """The streaming form of `Model.fit` (see there)."""
    if steps_per_epoch is None and not hasattr(source, "__len__"):
        steps_per_epoch = None  # a finite generator: run it to exhaustion once per epoch
    total = steps_per_epoch or (len(source) if hasattr(source, "__len__") else None)
    cbs = model._make_callbacks(callbacks, verbose, epochs, total, True)
    feeder = _BatchFeeder(model)
    key = rng.draw_key()
    model.stop_training = False
    cbs.on_train_begin()
    initial_epoch = int(getattr(model, "_initial_epoch", None) or initial_epoch)
    model._initial_epoch = None
    logs = {}
    shared_iterator = None if hasattr(source, "__getitem__") else data_utils.batch_source_iterator(source)
    for epoch in range(int(initial_epoch), int(epochs)):
        cbs.on_epoch_begin(epoch)
        batches = _take(source, steps_per_epoch) if shared_iterator is None else \
            (itertools.islice(shared_iterator, int(steps_per_epoch)) if steps_per_epoch else shared_iterator)
        prepared = (feeder.prepare(x, y, w, class_weight) for x, y, w in batches)
        first = next(prepared, None)
        if first is None:
            raise ValueError("The data source yielded no batches in epoch "
                             f"{epoch + 1}. A generator is exhausted after one pass: give "
                             "`steps_per_epoch` with an endless generator, or use a Sequence.")
        x_leaves, x_treedef, y_leaves = first[:3]
        steps = model._ensure_steps(x_treedef, y_leaves, x_leaves)
        # The next batch is prepared on the host while the device trains on this one.
        chunks = ((step, step + 1) + batch[3:]
                  for step, batch in enumerate(itertools.chain([first], prepared)))
        logs = run_chunks(model, steps, chunks, cbs, steps.gather(jax.random.fold_in(key, epoch)))
        epoch_logs = dict(logs)
        if validation_data is not None and (epoch + 1) % int(validation_freq) == 0:
            if data_utils.is_batch_source(validation_data):
                val_logs = evaluate_batches(model, validation_data, 0, cbs, validation_steps)
            else:
                vx, vy, vw = data_utils.unpack_validation(validation_data)
                val_logs = model.evaluate(vx, vy, sample_weight=vw, verbose=0, callbacks=cbs,
                                          return_dict=True, _in_fit=True)
            epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
        cbs.on_epoch_end(epoch, epoch_logs)
        logs = epoch_logs
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return model.history


def evaluate_batches(model, source, verbose, callbacks, steps_count):
    """The streaming form of `Model.evaluate`; returns the logs dict."""
    total = steps_count or (len(source) if hasattr(source, "__len__") else None)
    cbs = model._make_callbacks(callbacks, verbose, 1, total, False)
    feeder = _BatchFeeder(model)
    state, logs = None, {}
    cbs.on_test_begin()
    for step, (x, y, w) in enumerate(_take(source, steps_count)):
        x_leaves, x_treedef, y_leaves, data, indices, mask = feeder.prepare(x, y, w)
        steps = model._ensure_steps(x_treedef, y_leaves, x_leaves)
        if state is None:
            state = steps.gather(jax.random.key(0))
        cbs.on_test_batch_begin(step)
        state, chunk_logs = steps.test_chunk(state, data, indices, mask)
        logs = model._logs(chunk_logs)
        cbs.on_test_batch_end(step, logs)
    cbs.on_test_end(logs)
    return logs


def predict_batches(model, source, verbose, callbacks, steps_count):
    """The streaming form of `Model.predict`."""
    total = steps_count or (len(source) if hasattr(source, "__len__") else None)
    cbs = model._make_callbacks(callbacks, verbose, 1, total, False)
    pieces = []
    cbs.on_predict_begin()
    for step, (x, _, _) in enumerate(_take(source, steps_count)):
        cbs.on_predict_batch_begin(step)
        out = model.predict(x, batch_size=len(jax.tree_util.tree_leaves(x)[0]), verbose=0)
        pieces.append(out)
        cbs.on_predict_batch_end(step, {"outputs": out})
    cbs.on_predict_end()
    if isinstance(pieces[0], list):
        return [np.concatenate(parts) for parts in zip(*pieces)]
    return np.concatenate(pieces)
