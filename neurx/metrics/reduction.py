"""Reduction metrics: `Sum`, `Mean`, and `MeanMetricWrapper` (a mean of `fn(y_true, y_pred)`).

Weighted means follow Keras: each sample's value is multiplied by its weight
and the count adds up the weights, so rows of weight 0 (padding) change
neither the total nor the count.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx.losses import functions as loss_functions
from neurx.losses.loss import apply_mask, divide_no_nan, squeeze_or_expand_to_same_rank
from neurx.metrics.metric import Metric
from neurx.naming import did_you_mean, to_snake_case


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, mask=None):
    """One (weighted) value per sample, and the weights reduced to match (Keras's rule).

    >>> v, w = reduce_to_samplewise_values(jnp.ones((2, 3)), jnp.array([1.0, 0.0]), jnp.mean, "float32")
    >>> v.tolist(), w.tolist()
    ([1.0, 0.0], [1.0, 0.0])
    """
    values = jnp.asarray(values).astype(dtype)
    if mask is not None and sample_weight is None:
        sample_weight = jnp.ones(jnp.shape(mask), dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight).astype(dtype)
        sample_weight = apply_mask(sample_weight, mask, dtype, "sum")
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        try:
            sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        except ValueError:
            raise ValueError(
                f"`sample_weight` of shape {tuple(sample_weight.shape)} cannot be "
                f"broadcast to the metric values of shape {tuple(values.shape)}."
            ) from None
        # `where` keeps padded rows (weight 0) at 0 even if their value is inf/NaN.
        values = jnp.where(sample_weight == 0, 0, values * sample_weight)
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values seen.

    Example:
    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0]); float(m.result())
    16.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), initializer="zeros", name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, jnp.sum, self.dtype)
        self.total.assign_add(jnp.sum(values))

    def result(self):
        return self.total.value


class Mean(Metric):
    """The (weighted) mean of the values seen: `total / count`.

    Example:
    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0]); float(m.result())
    4.0
    >>> m.reset_state(); m.update_state([1.0, 3.0], sample_weight=[1.0, 0.0]); float(m.result())
    1.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), initializer="zeros", name="total")
        self.count = self.add_variable((), initializer="zeros", name="count")

    def update_state(self, values, sample_weight=None, *, mask=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, jnp.mean, self.dtype, mask=mask)
        self.total.assign_add(jnp.sum(values))
        if sample_weight is not None:
            num_samples = jnp.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(jnp.asarray(num_samples, self.dtype))

    def result(self):
        return divide_no_nan(self.total.value, self.count.value)


def _function_name(fn) -> str:
    return getattr(fn, "__name__", to_snake_case(type(fn).__name__))


def object_name(obj) -> str:
    """Keras's name for a metric object: its `.name`, else its snake-cased function or class name.

    >>> object_name(jnp.mean)
    'mean'
    """
    if isinstance(getattr(obj, "name", None), str):
        return obj.name
    if hasattr(obj, "__name__"):
        return to_snake_case(obj.__name__)
    return to_snake_case(type(obj).__name__)


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: a per-sample function, e.g. a loss function.
        name: name of the metric; defaults to the function's name.
        dtype: dtype of the state.
        **kwargs: passed to `fn` on every call.

    Example:
    >>> def abs_error(y_true, y_pred):
    ...     return jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))
    >>> m = MeanMetricWrapper(abs_error)
    >>> m.name, float(m([1.0, 2.0], [2.0, 4.0]))
    ('abs_error', 1.5)
    """

    _config_keys: tuple = ()

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"`fn` must be callable. Received: fn={fn!r}")
        super().__init__(name=name or object_name(fn), dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def values_and_mask(self, y_true, y_pred):
        """Per-sample values of `fn`, and a mask of the entries that count (or None)."""
        return self._fn(y_true, y_pred, **self._fn_kwargs), None

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
        values, mask = self.values_and_mask(y_true, y_pred)
        return super().update_state(values, sample_weight=sample_weight, mask=mask)

    def get_config(self) -> dict:
        if type(self) is not MeanMetricWrapper:  # built-in subclasses
            config = Metric.get_config(self)
            config.update({key: getattr(self, key) for key in self._config_keys})
            return config
        return {"name": self.name, "dtype": self.dtype, "fn": _function_name(self._fn),
                **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict):
        if cls is not MeanMetricWrapper:
            return cls(**config)
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, str):
            if not hasattr(loss_functions, fn):
                raise ValueError(f"Unknown metric function: {fn!r}."
                                 f"{did_you_mean(fn, dir(loss_functions))}")
            fn = getattr(loss_functions, fn)
        return cls(fn, **config)
