"""The built-in `Loss` classes: each wraps its function from `neurx.losses.functions`.

`LossFunctionWrapper` turns any `f(y_true, y_pred, **kwargs)` into a `Loss`
(aligning ranks first); the named classes fix the function and store its
arguments so that `get_config` returns exactly the constructor's arguments.
"""
from __future__ import annotations

import jax.numpy as jnp  # noqa: F401  (used by the doctests)

from neurx import validation
from neurx.losses import functions
from neurx.losses.loss import Loss, squeeze_or_expand_to_same_rank
from neurx.naming import did_you_mean, to_snake_case


class LossFunctionWrapper(Loss):
    """Wraps a function `fn(y_true, y_pred, **kwargs)` as a `Loss`.

    Ranks of `y_true` and `y_pred` are aligned first (`(batch,)` against
    `(batch, 1)`), as Keras does.

    Args:
        fn: the per-sample loss function.
        reduction: see `Loss`.
        name: name of the loss; defaults to the function's name.
        dtype: see `Loss`.
        **kwargs: passed to `fn` on every call.

    Example:
    >>> def l1(y_true, y_pred):
    ...     return jnp.sum(jnp.abs(y_pred - y_true), axis=-1)
    >>> loss = LossFunctionWrapper(l1)
    >>> loss.name, loss(jnp.zeros((2, 2)), jnp.ones((2, 2))).item()
    ('l1', 2.0)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None,
                 dtype=None, **kwargs):
        if not callable(fn):
            raise TypeError(f"`fn` must be callable. Received: fn={fn!r}")
        name = name or to_snake_case(getattr(fn, "__name__", type(fn).__name__))
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        config["fn"] = getattr(self.fn, "__name__", self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        fn = config.pop("fn")
        if isinstance(fn, str):
            if not hasattr(functions, fn):
                raise ValueError(f"Unknown loss function: {fn!r}."
                                 f"{did_you_mean(fn, dir(functions))}")
            fn = getattr(functions, fn)
        return cls(fn, **config)

    def __repr__(self):
        return f"<LossFunctionWrapper({getattr(self.fn, '__name__', self.fn)}, kwargs={self._fn_kwargs})>"


class _FunctionLoss(LossFunctionWrapper):
    """A built-in loss: config is `Loss`'s plus the names in `_config_keys`."""

    _config_keys: tuple = ()

    def get_config(self) -> dict:
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


_SB = "sum_over_batch_size"


class MeanSquaredError(_FunctionLoss):
    """Mean of squares of errors between labels and predictions.

    Example:
    >>> MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).item()
    0.5
    """

    def __init__(self, reduction=_SB, name="mean_squared_error", dtype=None):
        super().__init__(functions.mean_squared_error, reduction=reduction,
                         name=name, dtype=dtype)


class MeanAbsoluteError(_FunctionLoss):
    """Mean of absolute errors between labels and predictions.

    Example:
    >>> MeanAbsoluteError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]).item()
    0.5
    """

    def __init__(self, reduction=_SB, name="mean_absolute_error", dtype=None):
        super().__init__(functions.mean_absolute_error, reduction=reduction,
                         name=name, dtype=dtype)


class MeanAbsolutePercentageError(_FunctionLoss):
    """`100 * mean(|y_true - y_pred| / |y_true|)`.

    Example:
    >>> MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 4.0]]).item()
    25.0
    """

    def __init__(self, reduction=_SB, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(functions.mean_absolute_percentage_error,
                         reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(_FunctionLoss):
    """Mean of `(log(y_pred + 1) - log(y_true + 1)) ** 2`.

    Example:
    >>> round(MeanSquaredLogarithmicError()([[0.0]], [[1.718281828]]).item(), 4)
    1.0
    """

    def __init__(self, reduction=_SB, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(functions.mean_squared_logarithmic_error,
                         reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(_FunctionLoss):
    """Negative cosine similarity between labels and predictions along `axis`.

    Example:
    >>> CosineSimilarity()([[1.0, 0.0]], [[3.0, 0.0]]).item()
    -1.0
    """

    _config_keys = ("axis",)

    def __init__(self, axis=-1, reduction=_SB, name="cosine_similarity", dtype=None):
        super().__init__(functions.cosine_similarity, reduction=reduction,
                         name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Huber(_FunctionLoss):
    """Huber loss: quadratic for `|error| <= delta`, linear beyond.

    Example:
    >>> Huber(delta=1.0)([[0.0, 0.0]], [[0.5, 3.0]]).item()
    1.3125
    """

    _config_keys = ("delta",)

    def __init__(self, delta=1.0, reduction=_SB, name="huber_loss", dtype=None):
        delta = validation.number_in_range(delta, "delta", "Huber", 0, include_low=False)
        super().__init__(functions.huber, reduction=reduction, name=name,
                         dtype=dtype, delta=delta)
        self.delta = delta


class LogCosh(_FunctionLoss):
    """Logarithm of the hyperbolic cosine of the prediction error.

    Example:
    >>> round(LogCosh()([[0.0]], [[1.0]]).item(), 5)
    0.43378
    """

    def __init__(self, reduction=_SB, name="log_cosh", dtype=None):
        super().__init__(functions.log_cosh, reduction=reduction, name=name, dtype=dtype)


class Hinge(_FunctionLoss):
    """`max(1 - y_true * y_pred, 0)`; labels -1/1 (0/1 are converted).

    Example:
    >>> Hinge()([[0.0, 1.0]], [[-2.0, 0.5]]).item()
    0.25
    """

    def __init__(self, reduction=_SB, name="hinge", dtype=None):
        super().__init__(functions.hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(_FunctionLoss):
    """`max(1 - y_true * y_pred, 0) ** 2`; labels -1/1 (0/1 are converted).

    Example:
    >>> SquaredHinge()([[0.0, 1.0]], [[-2.0, 0.5]]).item()
    0.125
    """

    def __init__(self, reduction=_SB, name="squared_hinge", dtype=None):
        super().__init__(functions.squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(_FunctionLoss):
    """`max(neg - pos + 1, 0)` for one-hot labels.

    Example:
    >>> round(CategoricalHinge()([[0.0, 1.0]], [[0.3, 0.6]]).item(), 5)
    0.7
    """

    def __init__(self, reduction=_SB, name="categorical_hinge", dtype=None):
        super().__init__(functions.categorical_hinge, reduction=reduction,
                         name=name, dtype=dtype)


class KLDivergence(_FunctionLoss):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))`.

    Example:
    >>> round(KLDivergence()([[0.5, 0.5]], [[0.25, 0.75]]).item(), 5)
    0.14384
    """

    def __init__(self, reduction=_SB, name="kl_divergence", dtype=None):
        super().__init__(functions.kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(_FunctionLoss):
    """Poisson loss `mean(y_pred - y_true * log(y_pred))`.

    Example:
    >>> Poisson()([[0.0, 0.0]], [[1.0, 3.0]]).item()
    2.0
    """

    def __init__(self, reduction=_SB, name="poisson", dtype=None):
        super().__init__(functions.poisson, reduction=reduction, name=name, dtype=dtype)


class BinaryCrossentropy(_FunctionLoss):
    """Crossentropy for 0/1 labels against probabilities (or logits).

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; labels move towards 0.5 by this amount.
        axis: the axis averaged over (default -1).

    Example:
    >>> round(BinaryCrossentropy()([[1.0], [0.0]], [[0.5], [0.5]]).item(), 5)
    0.69315
    >>> round(BinaryCrossentropy(from_logits=True)([1.0], [0.0]).item(), 5)
    0.69315
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=_SB, name="binary_crossentropy", dtype=None):
        label_smoothing = validation.fraction(label_smoothing, "label_smoothing",
                                              "BinaryCrossentropy")
        super().__init__(functions.binary_crossentropy, reduction=reduction,
                         name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(_FunctionLoss):
    """Crossentropy for one-hot labels against class probabilities (or logits).

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; mixes the labels with the uniform distribution.
        axis: the class axis (default -1).

    Example:
    >>> round(CategoricalCrossentropy()([[0.0, 1.0]], [[0.5, 0.5]]).item(), 5)
    0.69315
    """

    _config_keys = ("from_logits", "label_smoothing", "axis")

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction=_SB, name="categorical_crossentropy", dtype=None):
        label_smoothing = validation.fraction(label_smoothing, "label_smoothing",
                                              "CategoricalCrossentropy")
        super().__init__(functions.categorical_crossentropy, reduction=reduction,
                         name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(_FunctionLoss):
    """Crossentropy for integer labels (`(batch,)` or `(batch, 1)`).

    Args:
        from_logits: whether `y_pred` holds logits rather than probabilities.
        ignore_class: a label value whose entries are left out of the loss
            (and of the average), e.g. a padding label.
        axis: the class axis (default -1).

    Example:
    >>> round(SparseCategoricalCrossentropy()([1, 0], [[0.5, 0.5], [0.5, 0.5]]).item(), 5)
    0.69315
    """

    _config_keys = ("from_logits", "ignore_class", "axis")

    def __init__(self, from_logits=False, ignore_class=None, reduction=_SB,
                 axis=-1, name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(functions.sparse_categorical_crossentropy,
                         reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def call_with_mask(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return functions._sparse_crossentropy_and_mask(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis)


LOSS_CLASSES = (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, CosineSimilarity, Huber, LogCosh, Hinge,
    SquaredHinge, CategoricalHinge, KLDivergence, Poisson, BinaryCrossentropy,
    CategoricalCrossentropy, SparseCategoricalCrossentropy,
)
