"""BatchNormalization: normalizes with batch statistics in training, moving ones at inference.

What it owns: the four weights in Keras 3's order and names (`gamma`, `beta`
trainable; `moving_mean`, `moving_variance` non-trainable, then the renorm
statistics when `renorm=True`), the masked moments, and the moving-statistics
update written with `Variable.assign` so that the trainer's `StatelessScope`
records it and the jitted step returns the new values.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import initializers, validation
from neurx.layers.call_context import current_row_mask
from neurx.layers.layer import Layer
from neurx.layers.normalization.affine import AffineParams

_RENORM_KEYS = ("rmax", "rmin", "dmax")


def _compute_dtype(dtype):
    """Statistics in at least float32 (float16/bfloat16 overflow easily), as Keras."""
    return jnp.promote_types(dtype, jnp.float32)


class BatchNormalization(Layer):
    """Normalizes its inputs with the mean and variance of the batch (training) or the
    moving averages of those statistics (inference), then scales by `gamma` and shifts
    by `beta`.

    In training (`training=True` and the layer trainable) the output is
    `gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta` over the batch, and the
    moving statistics are updated as Keras does:
    `moving = moving * momentum + batch_statistic * (1 - momentum)`. At inference
    (and when the layer is frozen with `trainable = False`, as in Keras 3) the moving
    statistics are used instead. A mask (from `Embedding(mask_zero=True)` or `Masking`)
    leaves the masked steps out of the batch statistics, as in Keras 3.

    Partial batches in `fit`: the trainer pads the last batch of an epoch to the full
    batch size and passes its row mask down; the padding rows are left out of the batch
    statistics, so they equal those of Keras's smaller last batch.

    Args:
        axis: the features axis (usually -1; 1 after a `channels_first` convolution).
        momentum: momentum of the moving averages.
        epsilon: small float added to the variance to avoid dividing by zero.
        center: add the offset `beta`. scale: multiply by `gamma`.
        beta_initializer="zeros", gamma_initializer="ones",
        moving_mean_initializer="zeros", moving_variance_initializer="ones",
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as in Keras.
        synchronized: accepted for Keras compatibility; under `jit` with a sharded batch
            the statistics are always computed over the whole global batch.
        renorm, renorm_clipping, renorm_momentum: batch renormalization as in Keras 3
            (`renorm_clipping` takes the keys `rmax`, `rmin`, `dmax`).

    Input shape: any; output shape: the same.

    Example:
    >>> import numpy as np
    >>> layer = BatchNormalization()
    >>> x = np.array([[0.0, 10.0], [2.0, 30.0]], "float32")
    >>> np.asarray(layer(x, training=True), "float64").round(4).tolist()
    [[-0.9995, -1.0], [0.9995, 1.0]]
    >>> layer.moving_mean.numpy().astype(float).round(2).tolist()   # 0.99 * 0 + 0.01 * [1, 20]
    [0.01, 0.2]
    >>> [w.name for w in layer.weights]
    ['gamma', 'beta', 'moving_mean', 'moving_variance']
    """

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones",
                 moving_mean_initializer="zeros", moving_variance_initializer="ones",
                 beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, renorm=False, renorm_clipping=None,
                 renorm_momentum=0.99, synchronized=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)) and len(axis) == 1:
            axis = axis[0]
        if not isinstance(axis, int):
            raise TypeError("BatchNormalization normalizes along one axis: `axis` must be "
                            f"an integer. Received: axis={axis}")
        self.axis = int(axis)
        self.momentum = validation.fraction(momentum, "momentum", "BatchNormalization")
        self.epsilon = validation.number_in_range(epsilon, "epsilon", "BatchNormalization", 0,
                                                  include_low=False)
        self.center = bool(center)
        self.scale = bool(scale)
        self.affine = AffineParams(beta_initializer, gamma_initializer, beta_regularizer,
                                   gamma_regularizer, beta_constraint, gamma_constraint)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        if moving_variance_initializer is None:   # add_weight's default could draw negatives
            raise ValueError("`moving_variance_initializer` of BatchNormalization must be an "
                             "initializer of positive values, such as 'ones' (the default). "
                             "Received: moving_variance_initializer=None")
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.synchronized = bool(synchronized)
        self.renorm = bool(renorm)
        if renorm:
            renorm_clipping = dict(renorm_clipping or {})
            unknown = set(renorm_clipping) - set(_RENORM_KEYS)
            if unknown:
                raise ValueError(f"Received invalid keys for `renorm_clipping`: {sorted(unknown)}. "
                                 f"Supported keys: {list(_RENORM_KEYS)}. "
                                 f"Received: renorm_clipping={renorm_clipping}")
            rmax, rmin = renorm_clipping.get("rmax"), renorm_clipping.get("rmin")
            if rmax is not None and rmin is not None and rmax < rmin:
                raise ValueError("`rmax` must be greater than `rmin` in `renorm_clipping`. "
                                 f"Received: rmax={rmax}, rmin={rmin}")
            dmax = renorm_clipping.get("dmax")
            if dmax is not None and dmax < 0:
                raise ValueError("`dmax` in `renorm_clipping` must be non-negative. "
                                 f"Received: dmax={dmax}")
        self.renorm_clipping = renorm_clipping
        self.renorm_momentum = validation.fraction(renorm_momentum, "renorm_momentum",
                                                   "BatchNormalization")
        self.supports_masking = True
        self.gamma = self.beta = self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"Axis {self.axis} is out of bounds for the input of layer "
                             f"'{self.name}' of shape {tuple(input_shape)}. "
                             f"Received: axis={self.axis}")
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"BatchNormalization layer '{self.name}' needs the size of axis "
                             f"{self.axis} to be known. Received input_shape={tuple(input_shape)}")
        shape = (int(dim),)
        if self.scale:
            self.gamma = self.affine.add_gamma(self, shape)
        if self.center:
            self.beta = self.affine.add_beta(self, shape)
        self.moving_mean = self.add_weight(name="moving_mean", shape=shape, trainable=False,
                                           initializer=self.moving_mean_initializer)
        self.moving_variance = self.add_weight(name="moving_variance", shape=shape,
                                               trainable=False,
                                               initializer=self.moving_variance_initializer)
        if self.renorm:
            stddev = jnp.sqrt(self.moving_variance.value)
            self.moving_stddev = self.add_weight(name="moving_stddev", shape=shape,
                                                 trainable=False, initializer=stddev)
            self.renorm_mean = self.add_weight(name="renorm_mean", shape=shape, trainable=False,
                                               initializer=self.moving_mean.value)
            self.renorm_stddev = self.add_weight(name="renorm_stddev", shape=shape,
                                                 trainable=False, initializer=stddev)
        self._ndim = ndim

    # ------------------------------------------------------------------ statistics
    def _reduction_axes(self, ndim):
        return tuple(a for a in range(ndim) if a != self.axis % ndim)

    def _moments(self, inputs, mask):
        axes = self._reduction_axes(inputs.ndim)
        rows = current_row_mask(inputs.shape[0])
        if mask is None and rows is None:
            return jnp.mean(inputs, axis=axes), jnp.var(inputs, axis=axes)
        weights = jnp.ones(inputs.shape, bool)
        if mask is not None:
            weights = jnp.broadcast_to(jnp.expand_dims(mask, -1), inputs.shape).astype(bool)
        if rows is not None:   # the padding rows of the trainer's last batch do not count
            rows = rows.reshape((-1,) + (1,) * (inputs.ndim - 1)) > 0
            weights = weights & jnp.broadcast_to(rows, inputs.shape)
        count = jnp.sum(weights.astype(inputs.dtype), axis=axes, keepdims=True) + 1e-7
        mean = jnp.sum(jnp.where(weights, inputs, 0), axis=axes, keepdims=True) / count
        squared = jnp.square(jnp.where(weights, inputs - mean, 0))
        variance = jnp.sum(squared, axis=axes, keepdims=True) / count
        return jnp.reshape(mean, (-1,)), jnp.reshape(variance, (-1,))

    def _update(self, variable, batch_value, momentum):
        variable.assign(variable.value * momentum + batch_value * (1.0 - momentum))

    def _renorm_transform(self, mean, variance, gamma, beta):
        """Batch renormalization: corrections r and d (no gradient), then the updates."""
        stddev = jnp.sqrt(variance + self.epsilon)
        renorm_stddev = jnp.maximum(self.renorm_stddev.value, jnp.sqrt(self.epsilon))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean.value) / renorm_stddev
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = jnp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = jnp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = jnp.clip(d, -clip["dmax"], clip["dmax"])
        r, d = jax.lax.stop_gradient(r), jax.lax.stop_gradient(d)
        new_gamma = r if gamma is None else r * gamma
        new_beta = d if gamma is None else d * gamma
        new_beta = new_beta if beta is None else new_beta + beta
        self._update(self.renorm_mean, mean, self.renorm_momentum)
        self._update(self.renorm_stddev, stddev, self.renorm_momentum)
        self._update(self.moving_mean, mean, self.momentum)
        moving_stddev = self.moving_stddev.value * self.momentum + stddev * (1 - self.momentum)
        self.moving_stddev.assign(moving_stddev)
        self.moving_variance.assign(jax.nn.relu(moving_stddev * moving_stddev - self.epsilon))
        return new_gamma, new_beta

    # ------------------------------------------------------------------ call
    def call(self, inputs, training=None, mask=None):
        if inputs.ndim != self._ndim or inputs.shape[self.axis] != self.moving_mean.shape[0]:
            raise ValueError(
                f"Input of layer '{self.name}' (BatchNormalization) is incompatible with the "
                f"layer: expected {self._ndim} dimensions with size {self.moving_mean.shape[0]} "
                f"on axis {self.axis}, but received input of shape {tuple(inputs.shape)}.")
        if mask is not None and mask.ndim != inputs.ndim - 1:
            raise ValueError("The mask of BatchNormalization must have one dimension less "
                             f"than the inputs. Received: mask.shape={tuple(mask.shape)}, "
                             f"inputs.shape={tuple(inputs.shape)}")
        dtype = _compute_dtype(inputs.dtype)
        x = inputs.astype(dtype)
        gamma = None if self.gamma is None else self.gamma.value.astype(dtype)
        beta = None if self.beta is None else self.beta.value.astype(dtype)
        if training and self.trainable:
            mean, variance = self._moments(x, mask)
            if self.renorm:
                gamma, beta = self._renorm_transform(mean, variance, gamma, beta)
            else:
                self._update(self.moving_mean, mean, self.momentum)
                self._update(self.moving_variance, variance, self.momentum)
        else:
            mean = self.moving_mean.value.astype(dtype)
            variance = self.moving_variance.value.astype(dtype)
        outputs = _normalize(x, mean, variance, self.axis, beta, gamma, self.epsilon)
        return outputs.astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **self.affine.get_config(),
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer":
                    initializers.serialize(self.moving_variance_initializer),
                "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}


def _normalize(x, mean, variance, axis, offset, scale, epsilon):
    """`(x - mean) * scale / sqrt(variance + epsilon) + offset`, in Keras's operation order."""
    shape = [1] * x.ndim
    shape[axis] = mean.shape[0]
    inv = jax.lax.rsqrt(jnp.reshape(variance, shape) + epsilon)
    if scale is not None:
        inv = inv * jnp.reshape(scale, shape)
    res = -jnp.reshape(mean, shape) * inv
    if offset is not None:
        res = res + jnp.reshape(offset, shape)
    return x * inv + res
