"""The `Loss` base class and the reduction Keras 3 applies to per-sample losses.

What this module owns: the `Loss` contract (`call` returns per-sample losses,
`__call__` weights and reduces them), `LossFunctionWrapper` (a plain
`f(y_true, y_pred)` as a `Loss`), and the helpers shared with metrics:
`squeeze_or_expand_to_same_rank`, `apply_mask`, `reduce_weighted_values`.
Everything is pure `jax.numpy`, so losses run unchanged under `jax.jit`.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import config
from neurx.naming import to_snake_case, unique_name

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight",
              "none", None)


def standardize_reduction(reduction):
    """Checks a reduction name, returning it unchanged.

    >>> standardize_reduction("sum")
    'sum'
    """
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. Expected one of "
            f"{list(REDUCTIONS)}. Received: reduction={reduction!r}")
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Aligns ranks that differ by one trailing size-1 axis (Keras 3's rule).

    `(batch,)` against `(batch, 1)` becomes `(batch, 1)` against `(batch, 1)`,
    so a regression loss never broadcasts to `(batch, batch)`.

    >>> a, b = squeeze_or_expand_to_same_rank(jnp.zeros(4), jnp.zeros((4, 1)))
    >>> a.shape, b.shape
    ((4, 1), (4, 1))
    >>> a, b = squeeze_or_expand_to_same_rank(jnp.zeros((4, 3)), jnp.zeros((4, 3, 1)))
    >>> a.shape, b.shape
    ((4, 3), (4, 3))
    """
    r1, r2 = jnp.ndim(x1), jnp.ndim(x2)
    if r1 == r2:
        return x1, x2
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    if r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def divide_no_nan(x, y):
    """`x / y`, with 0 where `y == 0`.

    >>> divide_no_nan(jnp.array([1.0, 2.0]), jnp.array([2.0, 0.0])).tolist()
    [0.5, 0.0]
    """
    safe = jnp.where(y == 0, 1, y)
    return jnp.where(y == 0, 0, x / safe)


def apply_mask(sample_weight, mask, dtype, reduction):
    """Folds a boolean mask into the sample weights, as Keras does.

    For the mean reductions, valid entries get weight `total / valid` so that
    dividing by the full size averages over the valid entries only.

    >>> apply_mask(None, jnp.array([True, False]), "float32", "sum").tolist()
    [1.0, 0.0]
    """
    if mask is None:
        return sample_weight
    mask = jnp.asarray(mask)
    if reduction in ("mean", "sum_over_batch_size"):
        total = jnp.asarray(mask.size, dtype)
        valid = jnp.sum(mask.astype(dtype))
        float_mask = jnp.where(mask.astype(bool), divide_no_nan(total, valid), 0)
        float_mask = float_mask.astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = jnp.asarray(sample_weight, dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return _expand_right(sample_weight, float_mask.ndim) * float_mask


def _expand_right(x, ndim):
    """Appends size-1 axes to `x` up to `ndim`, so it broadcasts from the left."""
    extra = ndim - x.ndim
    return jnp.reshape(x, x.shape + (1,) * extra) if extra > 0 else x


def _weigh(values, sample_weight):
    """`values * sample_weight`, aligned as Keras aligns them.

    Zero-weight entries give exactly 0 even where `values` is inf/NaN (padded
    rows), and a weight of lower rank than the values broadcasts from the left
    (`(batch,)` weights for `(batch, time)` losses).
    """
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    sample_weight = _expand_right(sample_weight, values.ndim)
    try:
        shape = jnp.broadcast_shapes(values.shape, sample_weight.shape)
    except ValueError:
        raise ValueError(
            f"`sample_weight` of shape {tuple(sample_weight.shape)} cannot be "
            f"broadcast to the per-sample losses of shape {tuple(values.shape)}. "
            "Pass one weight per sample, shape (batch,), or one per loss entry."
        ) from None
    sample_weight = jnp.broadcast_to(sample_weight, shape)
    return jnp.where(sample_weight == 0, 0, values * sample_weight)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size", size=None):
    """Sums (and for the mean reductions, averages) already-weighted values.

    `size` is the number of entries a mean divides by (default: all of them; the trainer
    gives the entries of a padded batch's real rows).

    >>> reduce_values(jnp.array([1.0, 2.0, 3.0]), reduction="sum").item()
    6.0
    >>> reduce_values(jnp.array([1.0, 2.0, 0.0]), size=2).item()
    1.5
    """
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    loss = jnp.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            divisor = jnp.sum(sample_weight).astype(loss.dtype)
        else:
            divisor = jnp.asarray(values.size if size is None else size, loss.dtype)
        loss = divide_no_nan(loss, divisor)
    return loss


def reduce_weighted_values(values, sample_weight=None, mask=None,
                           reduction="sum_over_batch_size", dtype=None, size=None):
    """Weights per-sample losses by `sample_weight` and `mask`, then reduces.

    `"sum_over_batch_size"` (and `"mean"`) divide the weighted sum by the number
    of loss entries, not by the sum of the weights: Keras 3's convention.

    >>> reduce_weighted_values(jnp.array([1.0, 3.0]), jnp.array([1.0, 0.0])).item()
    0.5
    """
    reduction = standardize_reduction(reduction)
    dtype = dtype or config.floatx()
    values = jnp.asarray(values, dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype, reduction)
    if sample_weight is not None:
        values = _weigh(values, sample_weight.astype(values.dtype))
    return reduce_values(values, sample_weight, reduction, size)


class Loss:
    """Base class of every loss: subclasses implement `call(y_true, y_pred)`.

    `call` returns per-sample losses (shape `(batch,)` or `(batch, ...)`);
    `__call__` weights them by `sample_weight` and reduces them to a scalar.

    Args:
        name: name of the loss instance; defaults to the snake-cased class name.
        reduction: `"sum_over_batch_size"` (default; the weighted sum divided by
            the number of entries), `"sum"`, `"mean"` (same as the default),
            `"mean_with_sample_weight"` (divided by the sum of the weights) or
            `None` / `"none"` (no reduction).
        dtype: dtype of the computation; defaults to `config.floatx()`.

    Example:
    >>> class Mse(Loss):
    ...     def call(self, y_true, y_pred):
    ...         return jnp.mean(jnp.square(y_pred - y_true), axis=-1)
    >>> Mse()(jnp.array([[0.0, 1.0]]), jnp.array([[1.0, 1.0]])).item()
    0.5
    """

    def __init__(self, name: str | None = None,
                 reduction: str | None = "sum_over_batch_size", dtype=None):
        self.name = name or unique_name(to_snake_case(type(self).__name__))
        self.reduction = standardize_reduction(reduction)
        self._dtype = str(dtype or config.floatx())

    @property
    def dtype(self) -> str:
        return self._dtype

    def call(self, y_true, y_pred):
        raise NotImplementedError(
            f"{type(self).__name__} must implement `call(y_true, y_pred)` "
            "returning the per-sample losses.")

    def call_with_mask(self, y_true, y_pred):
        """Per-sample losses and an optional mask of the entries that count.

        The default has no mask; a loss that ignores entries (e.g.
        `SparseCategoricalCrossentropy(ignore_class=...)`) overrides it.
        """
        return self.call(y_true, y_pred), None

    def __call__(self, y_true, y_pred, sample_weight=None, *, mask=None):
        """The reduced loss. `mask` (a neurx extension standing in for Keras's
        tensor-attached `_keras_mask`) marks the entries of `y_pred` that count."""
        y_pred = jnp.asarray(y_pred, self.dtype)
        y_true = jnp.asarray(y_true, self.dtype)
        losses, out_mask = self.call_with_mask(y_true, y_pred)
        if mask is not None and out_mask is not None:
            mask = jnp.logical_and(jnp.asarray(mask, bool), out_mask)
        elif mask is None:
            mask = out_mask
        return reduce_weighted_values(losses, sample_weight=sample_weight,
                                      mask=mask, reduction=self.reduction,
                                      dtype=self.dtype)

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
