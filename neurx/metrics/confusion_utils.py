"""Accumulating weighted confusion-matrix counts per threshold, as Keras 3 does.

`update_confusion_matrix_variables` adds a batch's true/false positive/negative
counts at each threshold to the given variables. Evenly spaced thresholds
(the AUC default) take Keras's bucketed path (`segment_sum` plus a reversed
cumulative sum, O(n + thresholds)); other thresholds compare every prediction
with every threshold.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp
import numpy as np

from neurx import config
from neurx.losses.loss import squeeze_or_expand_to_same_rank

NEG_INF = -1e10
CONFUSION_KEYS = ("tp", "fp", "tn", "fn")


def to_list(x) -> list:
    """`x` as a list: lists and tuples as they are, an array's items, else `[x]`.

    >>> to_list(0.5), to_list((0.2, 0.8))
    ([0.5], [0.2, 0.8])
    """
    if isinstance(x, (list, tuple)):
        return list(x)
    if isinstance(x, np.ndarray):
        return x.tolist()
    return [x]


def parse_init_thresholds(thresholds, default_threshold=0.5) -> list:
    """The thresholds as a list, checked to lie in [0, 1].

    >>> parse_init_thresholds(None), parse_init_thresholds([0.2, 0.8])
    ([0.5], [0.2, 0.8])
    """
    if thresholds is not None:
        invalid = [t for t in to_list(thresholds) if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    """Whether the thresholds are `i / (n - 1)` for `n >= 3`.

    >>> is_evenly_distributed_thresholds([0.0, 0.5, 1.0]), is_evenly_distributed_thresholds([0.5])
    (True, False)
    """
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(x, k):
    """Keeps the `k` largest entries of the last axis; the others become -1e10.

    >>> filter_top_k(jnp.array([[0.1, 0.7, 0.2]]), 1).tolist()
    [[-10000000000.0, 0.699999988079071, -10000000000.0]]
    """
    _, idx = jax.lax.top_k(x, k)
    mask = jnp.sum(jax.nn.one_hot(idx, x.shape[-1], dtype=x.dtype), axis=-2)
    return x * mask + NEG_INF * (1 - mask)


def _update_bucketed(variables, y_true, y_pred, num_thresholds, multi_label,
                     sample_weight, label_weights, thresholds_with_epsilon):
    """Keras's fast path for evenly spaced thresholds."""
    weights = 1.0
    if sample_weight is not None:
        weights = jnp.broadcast_to(sample_weight.astype(y_pred.dtype), y_pred.shape)
        if not multi_label:
            weights = jnp.reshape(weights, (-1,))
    if label_weights is not None:
        lw = jnp.broadcast_to(jnp.expand_dims(label_weights, 0), y_pred.shape)
        weights = weights * (lw if multi_label else jnp.reshape(lw, (-1,)))
    weights = jnp.asarray(weights, y_true.dtype)
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    y_true = y_true.astype(bool).astype(y_true.dtype)
    if not multi_label:
        y_true, y_pred = jnp.reshape(y_true, (-1,)), jnp.reshape(y_pred, (-1,))
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = jnp.ceil(y_pred * (num_thresholds - 1)) - 1
    if thresholds_with_epsilon:
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype("int32")

    def bucket_sums(labels, ids):
        return jax.ops.segment_sum(labels, ids, num_segments=num_thresholds)

    if multi_label:
        true_labels, false_labels, buckets = true_labels.T, false_labels.T, buckets.T
        tp = jnp.flip(jnp.cumsum(jnp.flip(jax.vmap(bucket_sums)(true_labels, buckets), 1), 1), 1).T
        fp = jnp.flip(jnp.cumsum(jnp.flip(jax.vmap(bucket_sums)(false_labels, buckets), 1), 1), 1).T
        total_true, total_false = jnp.sum(true_labels, 1), jnp.sum(false_labels, 1)
    else:
        tp = jnp.flip(jnp.cumsum(jnp.flip(bucket_sums(true_labels, buckets))))
        fp = jnp.flip(jnp.cumsum(jnp.flip(bucket_sums(false_labels, buckets))))
        total_true, total_false = jnp.sum(true_labels), jnp.sum(false_labels)
    counts = {"tp": tp, "fp": fp, "tn": total_false - fp, "fn": total_true - tp}
    for key, variable in variables.items():
        variable.assign(variable.value + counts[key])


def update_confusion_matrix_variables(variables, y_true, y_pred, thresholds,
                                      top_k=None, class_id=None, sample_weight=None,
                                      multi_label=False, label_weights=None,
                                      thresholds_distributed_evenly=False):
    """Adds this batch's weighted confusion counts at each threshold to `variables`.

    Args:
        variables: dict from `"tp"`, `"fp"`, `"tn"`, `"fn"` to `Variable`s of
            shape `(num_thresholds,)` (or `(num_thresholds, num_labels)` when
            `multi_label`).
        y_true: labels, 0/1 (anything non-zero counts as positive).
        y_pred: scores; a prediction is positive where it exceeds a threshold.
        thresholds: list of thresholds.
        top_k: only the `k` highest scores of each sample can be positive.
        class_id: restrict to this class (column of a `(batch, classes)` input).
        sample_weight: per-sample (or per-entry) weights.
        multi_label: keep one count per label instead of flattening the labels.
        label_weights: per-label weights (only when not `multi_label`).
        thresholds_distributed_evenly: take the bucketed fast path.

    >>> from neurx.variables import Variable
    >>> tp = Variable(np.zeros(1, "float32"), trainable=False)
    >>> update_confusion_matrix_variables({"tp": tp}, [1, 1, 0], [0.9, 0.2, 0.8], [0.5])
    >>> tp.numpy().tolist()
    [1.0]
    """
    if multi_label and label_weights is not None:
        raise ValueError("`label_weights` for multi-label data must be applied outside "
                         "`update_confusion_matrix_variables` when `multi_label` is True.")
    invalid = [key for key in variables if key not in CONFUSION_KEYS]
    if invalid or not variables:
        raise ValueError(f"Invalid confusion matrix keys: {invalid or list(variables)}. "
                         f"Valid keys are {list(CONFUSION_KEYS)}.")
    dtype = next(iter(variables.values())).dtype
    y_true = jnp.asarray(y_true).astype(dtype)
    y_pred = jnp.asarray(y_pred).astype(dtype)
    thresholds_with_epsilon = False
    if thresholds_distributed_evenly:
        thresholds_with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    thresholds = jnp.asarray(np.asarray(thresholds), dtype)
    num_thresholds = thresholds.shape[0]

    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.expand_dims(jnp.asarray(sample_weight).astype(dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight,
                                                          expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError("When class_id is provided, y_pred must be a 2D array with "
                             f"shape (num_samples, num_classes). Received: {y_pred.shape}")
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if label_weights is not None:
        label_weights = jnp.asarray(label_weights, dtype)

    if thresholds_distributed_evenly:
        return _update_bucketed(variables, y_true, y_pred, num_thresholds, multi_label,
                                sample_weight, label_weights, thresholds_with_epsilon)

    if multi_label:  # (thresholds, batch, labels)
        preds = jnp.expand_dims(y_pred, 0)
        labels = jnp.expand_dims(y_true.astype(bool), 0)
        thresh = jnp.reshape(thresholds, (num_thresholds, 1, 1))
        weight_shape = (1,) + y_pred.shape
    else:  # (thresholds, all entries)
        preds = jnp.reshape(y_pred, (1, -1))
        labels = jnp.reshape(y_true.astype(bool), (1, -1))
        thresh = jnp.reshape(thresholds, (num_thresholds, 1))
        weight_shape = (1, math.prod(y_pred.shape))
    pred_is_pos = preds > thresh
    label_is_pos = jnp.broadcast_to(labels, pred_is_pos.shape)
    weights = None
    if sample_weight is not None:
        weights = jnp.reshape(jnp.broadcast_to(sample_weight.astype(dtype), y_pred.shape),
                              weight_shape)
    if label_weights is not None and not multi_label:
        lw = jnp.reshape(jnp.broadcast_to(jnp.expand_dims(label_weights, 0), y_pred.shape),
                         weight_shape)
        weights = lw if weights is None else weights * lw

    conditions = {
        "tp": lambda: label_is_pos & pred_is_pos,
        "fp": lambda: ~label_is_pos & pred_is_pos,
        "tn": lambda: ~label_is_pos & ~pred_is_pos,
        "fn": lambda: label_is_pos & ~pred_is_pos,
    }
    for key, variable in variables.items():
        hit = conditions[key]()
        if weights is None:
            counts = hit.astype(variable.dtype)
        else:
            counts = jnp.where(hit, weights.astype(variable.dtype), 0)
        variable.assign(variable.value + jnp.sum(counts, axis=1))
