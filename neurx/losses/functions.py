"""Loss functions `f(y_true, y_pred) -> per-sample losses`, numerically as Keras 3.

Each returns one value per sample (the last axis reduced), which the `Loss`
classes in `neurx.losses.classes` weight and reduce. Probabilities are clipped
to `[epsilon, 1 - epsilon]` (`config.epsilon()`, 1e-7) as Keras clips them.
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp

from neurx import config
from neurx.losses.loss import squeeze_or_expand_to_same_rank


def _float(x):
    x = jnp.asarray(x)
    return x if jnp.issubdtype(x.dtype, jnp.floating) else x.astype(config.floatx())


def _prepare(y_true, y_pred, align=True):
    """`y_pred` as a float array, `y_true` cast to its dtype, ranks aligned."""
    y_pred = _float(y_pred)
    y_true = jnp.asarray(y_true).astype(y_pred.dtype)
    if align:
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return y_true, y_pred


def _check_same_shape(fn_name, y_true, y_pred):
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"In `{fn_name}`, `y_true` and `y_pred` must have the same shape. "
            f"Received: y_true.shape={tuple(y_true.shape)}, "
            f"y_pred.shape={tuple(y_pred.shape)}.")


def mean_squared_error(y_true, y_pred):
    """Mean of `(y_true - y_pred) ** 2` over the last axis.

    >>> mean_squared_error([[0.0, 1.0]], [[1.0, 1.0]]).tolist()
    [0.5]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Mean of `|y_true - y_pred|` over the last axis.

    >>> mean_absolute_error([[0.0, 1.0]], [[2.0, 1.0]]).tolist()
    [1.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))` over the last axis.

    >>> mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 4.0]]).tolist()
    [25.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    diff = jnp.abs((y_true - y_pred) / jnp.maximum(jnp.abs(y_true), eps))
    return 100.0 * jnp.mean(diff, axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean of `(log(y_pred + 1) - log(y_true + 1)) ** 2` over the last axis.

    >>> round(mean_squared_logarithmic_error([[0.0]], [[1.718281828]]).item(), 4)
    1.0
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    eps = config.epsilon()
    first = jnp.log(jnp.maximum(y_pred, eps) + 1.0)
    second = jnp.log(jnp.maximum(y_true, eps) + 1.0)
    return jnp.mean(jnp.square(first - second), axis=-1)


def _l2_normalize(x, axis):
    square_sum = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
    inv_norm = jnp.minimum(jax.lax.rsqrt(square_sum), 1.0 / config.epsilon())
    return x * inv_norm


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along `axis`: -1 when the vectors align.

    >>> cosine_similarity([[1.0, 0.0]], [[2.0, 0.0]]).tolist()
    [-1.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    return -jnp.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), axis=axis)


def huber(y_true, y_pred, delta=1.0):
    """Quadratic for errors up to `delta`, linear beyond, averaged over the last axis.

    >>> huber([[0.0, 0.0]], [[0.5, 3.0]]).tolist()
    [1.3125]
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    delta = jnp.asarray(delta, y_pred.dtype)
    error = y_pred - y_true
    abs_error = jnp.abs(error)
    half = jnp.asarray(0.5, y_pred.dtype)
    return jnp.mean(jnp.where(abs_error <= delta, half * jnp.square(error),
                              delta * abs_error - half * jnp.square(delta)), axis=-1)


def log_cosh(y_true, y_pred):
    """Mean of `log(cosh(y_pred - y_true))` over the last axis (overflow-safe form).

    >>> round(log_cosh([[0.0]], [[1.0]]).item(), 5)
    0.43378
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    log2 = jnp.asarray(jnp.log(2.0), y_pred.dtype)
    x = y_pred - y_true
    return jnp.mean(x + jax.nn.softplus(x * -2.0) - log2, axis=-1)


def convert_binary_labels_to_hinge(y_true):
    """Maps labels that are all 0/1 to -1/1; leaves any other labels unchanged.

    >>> convert_binary_labels_to_hinge(jnp.array([0.0, 1.0])).tolist()
    [-1.0, 1.0]
    """
    is_binary = jnp.all((y_true == 0) | (y_true == 1))
    return jnp.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0)`; 0/1 labels become -1/1 first.

    >>> hinge([[0.0, 1.0]], [[-2.0, 0.5]]).tolist()
    [0.25]
    """
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    y_true = convert_binary_labels_to_hinge(y_true)
    return jnp.mean(jnp.maximum(1.0 - y_true * y_pred, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Mean of `max(1 - y_true * y_pred, 0) ** 2`; 0/1 labels become -1/1 first.

    >>> squared_hinge([[0.0, 1.0]], [[-2.0, 0.5]]).tolist()
    [0.125]
    """
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    y_true = convert_binary_labels_to_hinge(y_true)
    return jnp.mean(jnp.square(jnp.maximum(1.0 - y_true * y_pred, 0.0)), axis=-1)


def categorical_hinge(y_true, y_pred):
    """`max(neg - pos + 1, 0)` with `pos` the true class score, `neg` the best other.

    >>> round(categorical_hinge([[0.0, 1.0]], [[0.3, 0.6]]).item(), 5)
    0.7
    """
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    pos = jnp.sum(y_true * y_pred, axis=-1)
    neg = jnp.max((1.0 - y_true) * y_pred, axis=-1)
    return jnp.maximum(neg - pos + 1.0, jnp.asarray(0.0, y_pred.dtype))


def kl_divergence(y_true, y_pred):
    """`sum(y_true * log(y_true / y_pred))` with both clipped to `[epsilon, 1]`.

    >>> round(kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]).item(), 5)
    0.14384
    """
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    y_true = jnp.clip(y_true, config.epsilon(), 1)
    y_pred = jnp.clip(y_pred, config.epsilon(), 1)
    return jnp.sum(y_true * jnp.log(y_true / y_pred), axis=-1)


def poisson(y_true, y_pred):
    """Mean of `y_pred - y_true * log(y_pred + epsilon)` over the last axis.

    >>> poisson([[0.0, 0.0]], [[1.0, 3.0]]).tolist()
    [2.0]
    """
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    eps = jnp.asarray(config.epsilon(), y_pred.dtype)
    return jnp.mean(y_pred - y_true * jnp.log(y_pred + eps), axis=-1)


def _log_probs(y_pred, from_logits, axis):
    if from_logits:
        return jax.nn.log_softmax(y_pred, axis=axis)
    eps = config.epsilon()
    output = y_pred / jnp.sum(y_pred, axis=axis, keepdims=True)
    return jnp.log(jnp.clip(output, eps, 1.0 - eps))


def _check_axis(axis):
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis!r}")


def categorical_crossentropy(y_true, y_pred, from_logits=False,
                             label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot labels and predicted class probabilities.

    Probabilities are renormalized to sum to 1 along `axis`, then clipped.

    >>> round(categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]]).item(), 5)
    0.69315
    """
    _check_axis(axis)
    y_true, y_pred = _prepare(y_true, y_pred, align=False)
    if y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be "
            f"(batch_size, num_classes) with num_classes > 1. Received: "
            f"y_pred.shape={tuple(y_pred.shape)}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.", stacklevel=2)
    _check_same_shape("categorical_crossentropy", y_true, y_pred)
    if label_smoothing:
        num_classes = jnp.asarray(y_true.shape[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return -jnp.sum(y_true * _log_probs(y_pred, from_logits, axis), axis=axis)


def _sparse_crossentropy_and_mask(y_true, y_pred, from_logits=False,
                                  ignore_class=None, axis=-1):
    y_pred = _float(y_pred)
    y_true = jnp.asarray(y_true)
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = jnp.squeeze(y_true, axis=axis)
    if y_true.shape != y_pred.shape[:-1] and axis in (-1, y_pred.ndim - 1):
        raise ValueError(
            "In `sparse_categorical_crossentropy`, `y_true` must hold one "
            "integer class index per sample: shape `y_pred.shape[:-1]` (or with "
            f"a trailing 1). Received: y_true.shape={tuple(jnp.shape(y_true))}, "
            f"y_pred.shape={tuple(y_pred.shape)}. For one-hot labels use "
            "'categorical_crossentropy'.")
    valid = None
    if ignore_class is not None:
        valid = y_true != jnp.asarray(ignore_class, y_true.dtype)
        y_true = jnp.where(valid, y_true, 0)
        # Keras zeroes ignored rows; a constant row gives the same (masked)
        # result without 0/0, so gradients stay finite.
        y_pred = jnp.where(jnp.expand_dims(valid, axis), y_pred, 1)
    labels = y_true.astype("int32")
    log_prob = _log_probs(y_pred, from_logits, axis)
    one_hot = jax.nn.one_hot(labels, y_pred.shape[axis], axis=axis, dtype=log_prob.dtype)
    res = -jnp.sum(one_hot * log_prob, axis=axis)
    if valid is not None:
        valid = jnp.reshape(valid, res.shape)
        res = jnp.where(valid, res, 0.0)
    return res, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False,
                                    ignore_class=None, axis=-1):
    """Crossentropy between integer labels (`(batch,)` or `(batch, 1)`) and
    predicted class probabilities; entries labelled `ignore_class` give 0.

    >>> round(sparse_categorical_crossentropy([1], [[0.5, 0.5]]).item(), 5)
    0.69315
    """
    return _sparse_crossentropy_and_mask(y_true, y_pred, from_logits,
                                         ignore_class, axis)[0]


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0,
                        axis=-1):
    """Binary crossentropy averaged over `axis` (the last, by default).

    >>> round(binary_crossentropy([[1.0, 0.0]], [[0.5, 0.5]]).item(), 5)
    0.69315
    """
    y_true, y_pred = _prepare(y_true, y_pred)
    _check_same_shape("binary_crossentropy", y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        bce = (-1.0 * y_true * jax.nn.log_sigmoid(y_pred)
               - (1.0 - y_true) * jax.nn.log_sigmoid(-y_pred))
    else:
        eps = config.epsilon()
        out = jnp.clip(y_pred, eps, 1.0 - eps)
        bce = -(y_true * jnp.log(out) + (1.0 - y_true) * jnp.log(1.0 - out))
    return jnp.mean(bce, axis=axis)


# Aliases Keras exports.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh
