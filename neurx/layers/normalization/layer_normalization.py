"""LayerNormalization: normalizes each sample over its feature axes."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer
from neurx.layers.normalization.affine import AffineParams, normalized_axes


class LayerNormalization(Layer):
    """Normalizes each sample independently over `axis`:
    `gamma * (x - mean) / sqrt(var + epsilon) + beta`, the statistics taken per sample.

    Args:
        axis: an integer or a list of integers, the axes to normalize over (default -1).
        epsilon: small float added to the variance.
        center: add the offset `beta`. scale: multiply by `gamma`.
        rms_scaling: Keras's legacy flag: divide by `sqrt(var + epsilon)` without
            subtracting the mean and without `beta` (Keras 3 deprecates it in favour of
            `RMSNormalization`; the computation here is the same as Keras's).
        beta_initializer="zeros", gamma_initializer="ones", beta_regularizer,
        gamma_regularizer, beta_constraint, gamma_constraint: as in Keras.

    Input shape: any; output shape: the same. `gamma` and `beta` have the shape of the
    normalized axes.

    Example:
    >>> import numpy as np
    >>> layer = LayerNormalization()
    >>> np.asarray(layer(np.array([[1.0, 3.0], [0.0, 10.0]])), "float64").round(4).tolist()
    [[-0.9995, 0.9995], [-1.0, 1.0]]
    >>> layer.gamma.shape
    (2,)
    """

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, rms_scaling=False,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        axis = validation.axis(axis, "axis", "LayerNormalization")
        self.axis = list(axis) if isinstance(axis, tuple) else axis
        self.epsilon = validation.number_in_range(epsilon, "epsilon", "LayerNormalization", 0,
                                                  include_low=False)
        self.center = bool(center)
        self.scale = bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self.affine = AffineParams(beta_initializer, gamma_initializer, beta_regularizer,
                                   gamma_regularizer, beta_constraint, gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape):
        self._axes = normalized_axes(self.axis, len(input_shape), self.name, input_shape)
        shape = tuple(input_shape[a] for a in self._axes)
        if any(d is None for d in shape):
            raise ValueError(f"LayerNormalization layer '{self.name}' needs the sizes of the "
                             f"normalized axes {self.axis} to be known. "
                             f"Received input_shape={tuple(input_shape)}")
        if self.scale or self.rms_scaling:
            self.gamma = self.affine.add_gamma(self, shape)
        if self.center and not self.rms_scaling:
            self.beta = self.affine.add_beta(self, shape)

    def call(self, inputs):
        ndim = inputs.ndim
        expected = tuple(self.gamma.shape if self.gamma is not None else
                         self.beta.shape if self.beta is not None else ())
        if expected and tuple(inputs.shape[a] for a in self._axes) != expected:
            raise ValueError(
                f"Input of layer '{self.name}' (LayerNormalization) is incompatible with the "
                f"layer: expected sizes {expected} on axes {self._axes}, but received input "
                f"of shape {tuple(inputs.shape)}.")
        dtype = jnp.promote_types(inputs.dtype, jnp.float32)
        x = inputs.astype(dtype)
        broadcast = [inputs.shape[a] if a in self._axes else 1 for a in range(ndim)]
        gamma = beta = None
        if self.gamma is not None:
            gamma = jnp.reshape(self.gamma.value, broadcast).astype(dtype)
        if self.beta is not None:
            beta = jnp.reshape(self.beta.value, broadcast).astype(dtype)
        axes = tuple(self._axes)
        variance = jnp.var(x, axis=axes, keepdims=True)
        if self.rms_scaling:
            outputs = x * jax.lax.rsqrt(variance + self.epsilon)
            if gamma is not None:
                outputs = outputs * gamma
        else:
            mean = jnp.mean(x, axis=axes, keepdims=True)
            inv = jax.lax.rsqrt(variance + self.epsilon)
            if gamma is not None:
                inv = inv * gamma
            res = -mean * inv
            if beta is not None:
                res = res + beta
            outputs = x * inv + res
        return outputs.astype(inputs.dtype).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                **self.affine.get_config()}
