"""GroupNormalization: normalizes each sample over groups of channels."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer
from neurx.layers.normalization.affine import AffineParams


class GroupNormalization(Layer):
    """Splits the channels (`axis`) into `groups` and normalizes each sample within
    each group, then scales by `gamma` and shifts by `beta` per channel.

    `groups=1` is LayerNormalization over all non-batch axes; `groups=-1` (one channel
    per group) is instance normalization.

    Args:
        groups: number of groups (must divide the number of channels), or -1.
        axis: the channels axis (default -1).
        epsilon: small float added to the variance.
        center, scale, beta_initializer="zeros", gamma_initializer="ones",
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: as in Keras.

    Input shape: any with a known channels axis; output shape: the same.

    Example:
    >>> import numpy as np
    >>> layer = GroupNormalization(groups=2)
    >>> x = np.array([[1.0, 3.0, 0.0, 10.0]])
    >>> np.asarray(layer(x), "float64").round(4).tolist()
    [[-0.9995, 0.9995, -1.0, 1.0]]
    """

    def __init__(self, groups=32, axis=-1, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        if isinstance(groups, bool) or not isinstance(groups, int) or \
                (groups <= 0 and groups != -1):
            raise ValueError("Received an invalid value for argument `groups`: expected a "
                             "positive integer (or -1 for instance normalization). "
                             f"Received: groups={groups}")
        super().__init__(**kwargs)
        self.groups = groups
        self.axis = int(axis)
        self.epsilon = validation.number_in_range(epsilon, "epsilon", "GroupNormalization", 0,
                                                  include_low=False)
        self.center = bool(center)
        self.scale = bool(scale)
        self.affine = AffineParams(beta_initializer, gamma_initializer, beta_regularizer,
                                   gamma_regularizer, beta_constraint, gamma_constraint)
        self.supports_masking = True
        self.gamma = self.beta = None

    def build(self, input_shape):
        ndim = len(input_shape)
        if not -ndim <= self.axis < ndim:
            raise ValueError(f"Axis {self.axis} is out of bounds for the input of layer "
                             f"'{self.name}' of shape {tuple(input_shape)}.")
        dim = input_shape[self.axis]
        if dim is None:
            raise ValueError(f"Axis {self.axis} of the input of GroupNormalization layer "
                             f"'{self.name}' must have a known size. "
                             f"Received input_shape={tuple(input_shape)}")
        if self.groups == -1:
            self.groups = dim
        if dim < self.groups:
            raise ValueError(f"Number of groups ({self.groups}) cannot be more than the "
                             f"number of channels ({dim}) in layer '{self.name}'.")
        if dim % self.groups:
            raise ValueError(f"Number of groups ({self.groups}) must divide the number of "
                             f"channels ({dim}) in layer '{self.name}'.")
        if self.scale:
            self.gamma = self.affine.add_gamma(self, (dim,))
        if self.center:
            self.beta = self.affine.add_beta(self, (dim,))
        self._channels = dim

    def call(self, inputs):
        axis = self.axis % inputs.ndim
        if inputs.shape[axis] != self._channels:
            raise ValueError(
                f"Input of layer '{self.name}' (GroupNormalization) is incompatible with the "
                f"layer: expected {self._channels} channels on axis {self.axis}, but received "
                f"input of shape {tuple(inputs.shape)}.")
        group_shape = list(inputs.shape)
        group_shape[axis:axis + 1] = [self.groups, self._channels // self.groups]
        dtype = jnp.promote_types(inputs.dtype, jnp.float32)
        x = jnp.reshape(inputs, group_shape).astype(dtype)
        axes = tuple(a for a in range(1, x.ndim) if a != axis)
        mean = jnp.mean(x, axis=axes, keepdims=True)
        variance = jnp.var(x, axis=axes, keepdims=True)
        broadcast = [1] * x.ndim
        broadcast[axis:axis + 2] = [self.groups, self._channels // self.groups]
        inv = jax.lax.rsqrt(variance + self.epsilon)
        if self.gamma is not None:
            inv = inv * jnp.reshape(self.gamma.value, broadcast).astype(dtype)
        res = -mean * inv
        if self.beta is not None:
            res = res + jnp.reshape(self.beta.value, broadcast).astype(dtype)
        outputs = (x * inv + res).astype(inputs.dtype)
        return jnp.reshape(outputs, inputs.shape).astype(self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "groups": self.groups, "axis": self.axis,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **self.affine.get_config()}
