"""Noise and dropout variants, active only in training, and ActivityRegularization.

What it owns: SpatialDropout1D/2D/3D (whole feature maps dropped), GaussianNoise
(additive), GaussianDropout (multiplicative), AlphaDropout (keeps SELU's
self-normalization) and ActivityRegularization (a penalty on the activations).
Random draws come from `neurx.rng.draw_key()`: a fresh key per training step
inside `fit`, the global seeded stream (`keras.utils.set_random_seed`) outside.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from neurx import config, regularizers, rng, validation
from neurx.layers.core import Dropout, drop_mask_shape
from neurx.layers.layer import Layer

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _data_format(value) -> str:
    value = value or config.image_data_format()
    if value not in ("channels_last", "channels_first"):
        raise ValueError("`data_format` must be 'channels_last' or 'channels_first'. "
                         f"Received: data_format={value!r}")
    return value


class _SpatialDropout(Dropout):
    """Dropout with one draw per (sample, channel), shared across the spatial axes."""

    _rank = 3

    def __init__(self, rate, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)

    def _spatial_noise_shape(self, shape):
        return (shape[0], 1, shape[2])

    def get_config(self):
        # Keras 3's constructor takes no `trainable` or `noise_shape` (and no **kwargs): a
        # config that lists them would not load there.
        config = super().get_config()
        del config["trainable"], config["noise_shape"]
        return config

    def call(self, inputs, training=None):
        if inputs.ndim != self._rank:
            raise ValueError(f"Input of layer '{self.name}' ({type(self).__name__}) must have "
                             f"{self._rank} dimensions. Received input of shape "
                             f"{tuple(inputs.shape)}.")
        if not training or self.rate == 0:
            return inputs
        keep = jax.random.bernoulli(rng.draw_key(), 1.0 - self.rate,
                                    self._spatial_noise_shape(inputs.shape))
        return jnp.where(keep, inputs / (1.0 - self.rate), 0).astype(inputs.dtype)


class SpatialDropout1D(_SpatialDropout):
    """Drops entire 1D feature maps (channels) of `(batch, steps, channels)` inputs in
    training, scaling the kept ones by `1 / (1 - rate)`; the identity at inference.

    Example:
    >>> import numpy as np
    >>> out = np.asarray(SpatialDropout1D(0.5)(np.ones((2, 5, 8)), training=True))
    >>> bool((out == out[:, :1, :]).all())   # same decision at every step
    True
    """


class SpatialDropout2D(_SpatialDropout):
    """Drops entire 2D feature maps of 4D inputs in training (one draw per sample and
    channel); the identity at inference.

    Args:
        rate: fraction of the channels to drop.
        data_format: "channels_last" (default from `keras.config.image_data_format()`)
            or "channels_first".
        seed: kept in the config; draws come from neurx's seeded stream.

    Example:
    >>> import numpy as np
    >>> out = np.asarray(SpatialDropout2D(0.5)(np.ones((2, 4, 4, 3)), training=True))
    >>> sorted(set(np.unique(out)) - {0.0, 2.0})
    []
    """

    _rank = 4

    def __init__(self, rate, data_format=None, seed=None, name=None, dtype=None, **kwargs):
        super().__init__(rate, seed=seed, name=name, dtype=dtype, **kwargs)
        self.data_format = _data_format(data_format)

    def _spatial_noise_shape(self, shape):
        if self.data_format == "channels_first":
            return shape[:2] + (1,) * (self._rank - 2)
        return (shape[0],) + (1,) * (self._rank - 2) + (shape[-1],)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout3D(SpatialDropout2D):
    """Drops entire 3D feature maps of 5D inputs in training; the identity at inference.

    Example:
    >>> import numpy as np
    >>> SpatialDropout3D(0.2)(np.ones((1, 2, 2, 2, 3)), training=True).shape
    (1, 2, 2, 2, 3)
    """

    _rank = 5


class GaussianNoise(Layer):
    """Adds zero-centered Gaussian noise of standard deviation `stddev` in training.

    Args:
        stddev: standard deviation of the noise (between 0 and 1, as Keras 3 checks).
        seed: kept in the config; draws come from neurx's seeded stream.

    Example:
    >>> import numpy as np
    >>> layer = GaussianNoise(0.1)
    >>> bool((np.asarray(layer(np.zeros((2, 3)))) == 0).all())   # inference: identity
    True
    >>> bool((np.asarray(layer(np.zeros((2, 3)), training=True)) != 0).all())
    True
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        validation.fraction(stddev, "stddev", "GaussianNoise")
        self.stddev = stddev
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        noise = jax.random.normal(rng.draw_key(), inputs.shape, inputs.dtype)
        return inputs + noise * self.stddev

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class GaussianDropout(Layer):
    """Multiplies the inputs by 1-centered Gaussian noise of standard deviation
    `sqrt(rate / (1 - rate))` in training.

    Args:
        rate: drop probability (as in `Dropout`), between 0 and 1.
        seed: kept in the config; draws come from neurx's seeded stream.

    Example:
    >>> import numpy as np
    >>> layer = GaussianDropout(0.2)
    >>> bool((np.asarray(layer(np.ones((2, 3)))) == 1).all())   # inference: identity
    True
    """

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        validation.fraction(rate, "rate", "GaussianDropout")
        self.rate = rate
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = jax.random.normal(rng.draw_key(), inputs.shape, inputs.dtype)
        return inputs * (1.0 + noise * stddev)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class AlphaDropout(Layer):
    """Dropout that keeps the mean and variance of its inputs, for SELU networks.

    In training, dropped units are set to SELU's negative saturation value
    `-alpha * scale` and the result is transformed affinely (`a * x + b`) so the
    mean and variance stay those of the inputs (Keras's selu constants).

    Args:
        rate: drop probability, between 0 and 1.
        noise_shape: shape of the drop mask (`None` entries take the input's size).
        seed: kept in the config; draws come from neurx's seeded stream.

    Example:
    >>> import numpy as np
    >>> out = np.asarray(AlphaDropout(0.5)(np.zeros((1, 1000)), training=True))
    >>> len(np.unique(out.round(4)))   # kept units and dropped units
    2
    """

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        validation.fraction(rate, "rate", "AlphaDropout")
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def call(self, inputs, training=None):
        if not training or self.rate == 0:
            return inputs
        shape = drop_mask_shape(self, inputs.shape)
        kept = (jax.random.uniform(rng.draw_key(), shape) >= self.rate).astype(inputs.dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p ** 2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + alpha_p * (1 - kept)
        return a * x + b

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed,
                "noise_shape": self.noise_shape}


class ActivityRegularization(Layer):
    """Returns its inputs unchanged and adds `l1 * sum(|x|) + l2 * sum(x ** 2)`, divided
    by the batch size (as Keras 3), to the model's losses.

    Args:
        l1: L1 factor. l2: L2 factor.

    Example:
    >>> import numpy as np
    >>> layer = ActivityRegularization(l1=0.1)
    >>> _ = layer(np.array([[1.0, -3.0], [2.0, 0.0]]))
    >>> [round(float(loss), 3) for loss in layer.losses]   # 0.1 * 6 / 2
    [0.3]
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        kwargs.pop("activity_regularizer", None)
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True

    def call(self, inputs):
        return inputs

    def get_config(self):
        config = super().get_config()
        del config["activity_regularizer"]   # made from l1 and l2, as Keras leaves it out
        return {**config, "l1": self.l1, "l2": self.l2}
