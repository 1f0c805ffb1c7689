"""Accuracy metrics and their functions, each returning 1.0 per correct sample.

Label layouts follow Keras: `binary_accuracy` thresholds probabilities,
`categorical_accuracy` compares argmaxes of one-hot labels and predictions,
`sparse_categorical_accuracy` compares integer labels (`(batch,)` or
`(batch, 1)`) with the argmax, and the top-k forms accept the label among the
`k` highest scores.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import config, validation
from neurx.losses.loss import squeeze_or_expand_to_same_rank
from neurx.metrics.reduction import MeanMetricWrapper


def _float_pred(y_pred):
    y_pred = jnp.asarray(y_pred)
    return y_pred if jnp.issubdtype(y_pred.dtype, jnp.floating) else y_pred.astype(config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred` exactly.

    >>> accuracy([1, 2, 3], [1, 2, 4]).tolist()
    [1.0, 1.0, 0.0]
    """
    y_pred = _float_pred(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return (y_true == y_pred).astype(config.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_pred > threshold` matches the 0/1 label.

    >>> binary_accuracy([1, 0], [[0.7], [0.6]]).tolist()
    [[1.0], [0.0]]
    """
    y_pred = _float_pred(y_pred)
    y_true = jnp.asarray(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = (y_pred > threshold).astype(y_true.dtype)
    return (y_true == y_pred).astype(config.floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of the one-hot label matches the argmax of `y_pred`.

    >>> categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]).tolist()
    [1.0, 0.0]
    """
    y_pred = _float_pred(y_pred)
    y_true = jnp.argmax(jnp.asarray(y_true), axis=-1).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim:
        y_true = jnp.squeeze(y_true, -1)
        reshape = True
    predicted = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = (y_true == predicted).astype(config.floatx())
    return jnp.reshape(matches, original_shape) if reshape else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label equals the argmax of `y_pred`.

    >>> sparse_categorical_accuracy([2, 1], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]]).tolist()
    [1.0, 0.0]
    """
    y_pred = _float_pred(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    original_shape = y_true.shape
    reshape = False
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = jnp.squeeze(y_true, -1)
        reshape = True
    predicted = jnp.argmax(y_pred, axis=-1).astype(y_true.dtype)
    matches = (y_true == predicted).astype(config.floatx())
    if reshape:
        matches = jnp.reshape(matches, original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def in_top_k(targets, predictions, k):
    """Whether each target's score ranks among the `k` highest (ties count as in).

    >>> in_top_k(jnp.array([0, 2]), jnp.array([[0.1, 0.5, 0.4], [0.1, 0.5, 0.4]]), 2).tolist()
    [False, True]
    """
    at_label = jnp.take_along_axis(predictions, jnp.expand_dims(targets, -1), axis=-1)
    at_label = jnp.where(jnp.isnan(at_label), -jnp.inf, at_label)
    rank = 1 + jnp.sum(predictions > at_label, axis=-1)
    return rank <= k


def _top_k(labels, y_pred, k):
    y_pred = _float_pred(y_pred)
    original_shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    flat = jnp.reshape(labels, (-1,)) if labels.ndim > 1 else labels
    matches = in_top_k(flat.astype("int32"), y_pred, k).astype(config.floatx())
    return jnp.reshape(matches, original_shape) if labels.ndim > 1 else matches


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the `k` highest scores.

    >>> top_k_categorical_accuracy([[0, 0, 1], [0, 1, 0]], [[0.1, 0.5, 0.4], [0.05, 0.9, 0.05]], k=2).tolist()
    [1.0, 1.0]
    """
    return _top_k(jnp.argmax(jnp.asarray(y_true), axis=-1), y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the `k` highest scores.

    With `from_sorted_ids=True`, `y_pred` already holds class ids sorted by score.

    >>> sparse_top_k_categorical_accuracy([2, 2], [[0.1, 0.5, 0.4], [0.2, 0.7, 0.1]], k=2).tolist()
    [1.0, 0.0]
    """
    if not from_sorted_ids:
        return _top_k(jnp.asarray(y_true).astype("int32"), y_pred, k)
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    original_shape = y_true.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    flat = jnp.reshape(y_true, (-1,))
    matches = jnp.any(flat[:, None] == y_pred[:, :k], axis=1).astype(config.floatx())
    return jnp.reshape(matches, original_shape) if y_true.ndim > 1 else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Example:
    >>> float(Accuracy()([[1], [2], [3], [4]], [[0], [2], [3], [4]]))
    0.75
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the 0/1 label.

    Example:
    >>> float(BinaryAccuracy()([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]))
    0.75
    """

    _config_keys = ("threshold",)

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of `y_pred` matches that of the one-hot label.

    Example:
    >>> float(CategoricalAccuracy()([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of `y_pred` equals the integer label.

    Example:
    >>> float(SparseCategoricalAccuracy()([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]]))
    0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the `k` highest scores.

    Example:
    >>> float(TopKCategoricalAccuracy(k=1)([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    _config_keys = ("k",)

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        k = validation.whole_number(k, "k", "TopKCategoricalAccuracy")
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest scores.

    Example:
    >>> float(SparseTopKCategoricalAccuracy(k=1)([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]))
    0.5
    """

    _config_keys = ("k", "from_sorted_ids")

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids=False):
        k = validation.whole_number(k, "k", "SparseTopKCategoricalAccuracy")
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype,
                         k=k, from_sorted_ids=from_sorted_ids)
        self.k = k
        self.from_sorted_ids = from_sorted_ids

