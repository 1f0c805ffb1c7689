"""Regression metrics: means of the regression loss functions, and `RootMeanSquaredError`."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.losses import functions as F
from neurx.losses.loss import squeeze_or_expand_to_same_rank
from neurx.metrics.reduction import Mean, MeanMetricWrapper


class MeanSquaredError(MeanMetricWrapper):
    """Mean of `(y_true - y_pred) ** 2` over all samples seen.

    Example:
    >>> float(MeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.25
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(F.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """Mean of `|y_true - y_pred|` over all samples seen.

    Example:
    >>> float(MeanAbsoluteError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.25
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(F.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """Mean of `100 * |y_true - y_pred| / |y_true|` over all samples seen.

    Example:
    >>> float(MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]))
    25.0
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(F.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """Mean of `(log(y_pred + 1) - log(y_true + 1)) ** 2` over all samples seen.

    Example:
    >>> round(float(MeanSquaredLogarithmicError()([[0.0]], [[1.718281828]])), 4)
    1.0
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(F.mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """Square root of the mean of `(y_true - y_pred) ** 2` over all entries seen.

    Example:
    >>> float(RootMeanSquaredError()([[0, 1], [0, 0]], [[1, 1], [0, 0]]))
    0.5
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = jnp.asarray(y_true, self.dtype)
        y_pred = jnp.asarray(y_pred, self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(jnp.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return jnp.sqrt(super().result())


class CosineSimilarity(MeanMetricWrapper):
    """Mean cosine similarity between labels and predictions along `axis`.

    Unlike the loss of the same name, this is positive: 1 when aligned.

    Example:
    >>> float(CosineSimilarity()([[0.0, 1.0]], [[0.0, 2.0]]))
    1.0
    """

    _config_keys = ("axis",)

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(_cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


def _cosine_similarity(y_true, y_pred, axis=-1):
    return -F.cosine_similarity(y_true, y_pred, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """Mean of `log(cosh(y_pred - y_true))` over all samples seen.

    Example:
    >>> round(float(LogCoshError()([[0.0]], [[1.0]])), 5)
    0.43378
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(F.log_cosh, name=name, dtype=dtype)
