"""Normalization: feature-wise standardization with statistics learned by `adapt()`."""
from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np

from neurx import config, validation
from neurx.layers.layer import Layer
from neurx.layers.preprocessing.adapt_data import iter_batches


class Normalization(Layer):
    """Standardizes inputs feature-wise: `(x - mean) / sqrt(variance)`.

    The mean and variance are either given (`mean=`, `variance=`) or computed from
    data by `adapt()` on the host with NumPy; adapted statistics are kept as the
    non-trainable weights `mean`, `variance` and `count` (as Keras 3, `count` is
    kept only for compatibility and stays 0). The divisor is at least
    `keras.config.epsilon()`.

    Args:
        axis: the axis or axes that keep separate statistics (default -1: one mean and
            variance per feature); `None` means one scalar mean and variance.
        mean, variance: statistics to use instead of `adapt()` (scalars or arrays that
            broadcast to the kept axes).
        invert: apply the inverse transformation, `mean + x * sqrt(variance)`.

    Example:
    >>> import numpy as np
    >>> data = np.array([[0.0, 10.0], [2.0, 30.0]])
    >>> layer = Normalization()
    >>> layer.adapt(data)
    >>> np.asarray(layer(data)).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    >>> [w.name for w in layer.weights]
    ['mean', 'variance', 'count']
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert=False, **kwargs):
        super().__init__(**kwargs)
        axis = () if axis is None else validation.axis(axis, "axis", "Normalization")
        self.axis = (axis,) if isinstance(axis, int) else axis
        self.input_mean = mean
        self.input_variance = variance
        self.invert = bool(invert)
        self.supports_masking = True
        if (mean is not None) != (variance is not None):
            raise ValueError("When setting values directly, both `mean` and `variance` must "
                             f"be set. Received: mean={mean} and variance={variance}")
        if mean is not None:
            if np.shape(mean) != np.shape(variance):
                raise ValueError("When setting values directly, `mean` and `variance` must "
                                 f"have the same shape. Received: mean shape {np.shape(mean)} "
                                 f"and variance shape {np.shape(variance)}")
            validation.numeric(mean, "mean", "Normalization")
            if not (np.asarray(validation.numeric(variance, "variance", "Normalization"),
                               "float64") >= 0).all():
                raise ValueError("`variance` of Normalization must hold numbers >= 0. "
                                 f"Received: variance={variance}")
            if np.ndim(mean) > len(self.axis):
                raise ValueError("The rank of `mean` must be at most the number of axes "
                                 f"({len(self.axis)}). Received: mean shape {np.shape(mean)} "
                                 f"for axis={self.axis}")
        self._build_input_shape = None

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        ndim = len(input_shape)
        self._build_input_shape = input_shape
        self._keep_axis = tuple(sorted(validation.axes_of_input(
            self.axis, ndim, "axis", f"Normalization layer '{self.name}'")))
        for d in self._keep_axis:
            if input_shape[d] is None:
                raise ValueError(f"All `axis` values to be kept must have a known size. "
                                 f"Received axis={self.axis}, inputs.shape={input_shape}, "
                                 f"with unknown size at index {d} (layer '{self.name}').")
        self._reduce_axis = tuple(d for d in range(ndim) if d not in self._keep_axis)
        self._broadcast_shape = tuple(input_shape[d] if d in self._keep_axis else 1
                                      for d in range(ndim))
        self._stats_shape = tuple(input_shape[d] for d in self._keep_axis)
        if self.input_mean is None:
            self.adapt_mean = self.add_weight(name="mean", shape=self._stats_shape,
                                              initializer="zeros", trainable=False)
            self.adapt_variance = self.add_weight(name="variance", shape=self._stats_shape,
                                                  initializer="ones", trainable=False)
            self.count = self.add_weight(name="count", shape=(), dtype="int32",
                                         initializer="zeros", trainable=False)
        else:
            self._fixed_mean = self._broadcast_given(self.input_mean)
            self._fixed_variance = self._broadcast_given(self.input_variance)

    def _broadcast_given(self, value):
        value = np.asarray(value, dtype=self.compute_dtype)
        expanded = [1] * len(self._broadcast_shape)
        for i in range(1, value.ndim + 1):
            expanded[self._keep_axis[-i]] = value.shape[-i]
        return np.broadcast_to(np.reshape(value, expanded), self._broadcast_shape)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Computes the mean and variance of `data` (an array or an iterable of batches)."""
        if self.input_mean is not None:
            raise ValueError(f"Normalization layer '{self.name}' was given `mean` and "
                             "`variance`, so it cannot be adapted. Create it without them.")
        total_mean = total_var = None
        total_count = 0
        for batch in iter_batches(data, batch_size, steps, dtype="float64"):
            if not self.built:
                self._build_with(batch.shape)
            self._check_batch_shape(batch.shape)
            batch_mean = np.mean(batch, axis=self._reduce_axis)
            batch_var = np.var(batch, axis=self._reduce_axis)
            batch_count = math.prod(batch.shape[d] for d in self._reduce_axis)
            if total_mean is None:
                total_mean, total_var, total_count = batch_mean, batch_var, batch_count
                continue
            # Merge with the lack-of-fit sum of squares, as Keras does.
            total_count += batch_count
            weight = batch_count / total_count
            new_mean = total_mean * (1 - weight) + batch_mean * weight
            total_var = ((total_var + (total_mean - new_mean) ** 2) * (1 - weight)
                         + (batch_var + (batch_mean - new_mean) ** 2) * weight)
            total_mean = new_mean
        self.adapt_mean.assign(np.asarray(total_mean, dtype=self.compute_dtype))
        self.adapt_variance.assign(np.asarray(total_var, dtype=self.compute_dtype))

    def _check_batch_shape(self, shape):
        if len(shape) != len(self._build_input_shape) or any(
                shape[d] != self._build_input_shape[d] for d in self._keep_axis):
            raise ValueError(f"Normalization layer '{self.name}' was built with input_shape="
                             f"{self._build_input_shape}, but adapt() received data of an "
                             f"incompatible shape: data.shape={tuple(shape)}")

    def _statistics(self):
        if self.input_mean is not None:
            return self._fixed_mean, self._fixed_variance
        return (jnp.reshape(self.adapt_mean.value, self._broadcast_shape),
                jnp.reshape(self.adapt_variance.value, self._broadcast_shape))

    def call(self, inputs):
        inputs = jnp.asarray(inputs, self.compute_dtype)
        mean, variance = self._statistics()
        try:
            jnp.broadcast_shapes(inputs.shape, mean.shape)
        except ValueError:
            raise ValueError(f"Input of Normalization layer '{self.name}' has shape "
                             f"{tuple(inputs.shape)}, but its statistics (adapted or given) "
                             f"have shape {tuple(mean.shape)} for axis={self.axis}.") from None
        std = jnp.maximum(jnp.sqrt(variance), config.epsilon())
        if self.invert:
            return mean + inputs * std
        return (inputs - mean) / std

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "invert": self.invert,
                "mean": np.array(self.input_mean).tolist(),
                "variance": np.array(self.input_variance).tolist()}
