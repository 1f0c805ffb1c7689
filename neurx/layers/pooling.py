"""Local pooling layers: `MaxPooling1D/2D/3D` and `AveragePooling1D/2D/3D` (with Keras's
aliases `MaxPool*D`, `AvgPool*D`), computed with `jax.lax.reduce_window`.

`strides=None` means `strides=pool_size`. With `padding="same"` an average divides by
the number of real (non-padding) values in each window, as Keras does.
"""
from __future__ import annotations

import math

import jax
import jax.numpy as jnp

from neurx.layers.convolutional.arguments import (
    channel_count,
    check_input_rank,
    check_output_size,
    conv_output_length,
    spatial_shape,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
    with_channels,
)
from neurx.layers.shape_checked import ShapeCheckedLayer


def _window(values, rank: int, data_format: str) -> tuple:
    return (1,) + tuple(values) + (1,) if data_format == "channels_last" else \
        (1, 1) + tuple(values)


def pool(inputs, pool_size, strides, padding, data_format, mode):
    """Max or average pooling over the spatial axes of `inputs`.

    >>> import numpy as np
    >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
    >>> pool(x, (2, 2), (2, 2), "valid", "channels_last", "max")[0, :, :, 0].tolist()
    [[5.0, 7.0], [13.0, 15.0]]
    """
    rank = len(pool_size)
    window = _window(pool_size, rank, data_format)
    steps = _window(strides, rank, data_format)
    pad = padding.upper()
    if mode == "max":
        return jax.lax.reduce_window(inputs, -jnp.inf, jax.lax.max, window, steps, pad)
    total = jax.lax.reduce_window(inputs, 0.0, jax.lax.add, window, steps, pad)
    if padding == "valid":
        return total / math.prod(pool_size)
    ones = jnp.ones(_window(spatial_shape(inputs.shape, data_format), rank, data_format),
                    inputs.dtype)
    counts = jax.lax.reduce_window(ones, 0.0, jax.lax.add, window, steps, pad)
    return total / counts


class BasePooling(ShapeCheckedLayer):
    """Base of the local pooling layers; `pool_dimensions` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> BasePooling(2, strides=None, pool_dimensions=2)(np.ones((1, 6, 6, 3))).shape
    (1, 3, 3, 3)
    """

    def __init__(self, pool_size, strides, pool_dimensions, pool_mode="max", padding="valid",
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_dimensions = int(pool_dimensions)
        self.pool_size = standardize_tuple(pool_size, self.pool_dimensions, "pool_size")
        self.strides = standardize_tuple(pool_size if strides is None else strides,
                                         self.pool_dimensions, "strides")
        self.pool_mode = pool_mode
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.built = True

    def call(self, inputs):
        self.checked_output_shape(inputs.shape)
        return pool(inputs, self.pool_size, self.strides, self.padding, self.data_format,
                    self.pool_mode)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.pool_dimensions, self.data_format)
        out = tuple(conv_output_length(length, p, s, self.padding) for length, p, s in
                    zip(spatial_shape(input_shape, self.data_format), self.pool_size,
                        self.strides))
        check_output_size(self, input_shape, self.pool_size, out)
        return with_channels(input_shape[0], out, channel_count(input_shape, self.data_format),
                             self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(BasePooling):
    """Max pooling over the steps of a sequence.

    Args:
        pool_size: an int or a tuple of 1 ints, the window size (default 2).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, steps, channels)` (channels_last) or
    `(batch, channels, steps)`.

    Example:
    >>> import numpy as np
    >>> MaxPooling1D(2)(np.arange(6.0).reshape(1, 6, 1))[0, :, 0].tolist()
    [1.0, 3.0, 5.0]
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling2D(BasePooling):
    """Max pooling over the height and width of images.

    Args:
        pool_size: an int or a tuple of 2 ints, the window size (default (2, 2)).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, height, width, channels)` (channels_last) or
    `(batch, channels, height, width)`.

    Example:
    >>> import numpy as np
    >>> MaxPooling2D(2)(np.ones((2, 28, 28, 32))).shape
    (2, 14, 14, 32)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class MaxPooling3D(BasePooling):
    """Max pooling over the three spatial axes of volumes.

    Args:
        pool_size: an int or a tuple of 3 ints, the window size (default (2, 2, 2)).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, dim1, dim2, dim3, channels)` (channels_last) or
    `(batch, channels, dim1, dim2, dim3)`.

    Example:
    >>> import numpy as np
    >>> MaxPooling3D(2)(np.ones((1, 4, 6, 8, 3))).shape
    (1, 2, 3, 4, 3)
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="max",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling1D(BasePooling):
    """Average pooling over the steps of a sequence.

    Args:
        pool_size: an int or a tuple of 1 ints, the window size (default 2).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions; an average counts only real values).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, steps, channels)` (channels_last) or
    `(batch, channels, steps)`.

    Example:
    >>> import numpy as np
    >>> AveragePooling1D(2)(np.arange(6.0).reshape(1, 6, 1))[0, :, 0].tolist()
    [0.5, 2.5, 4.5]
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling2D(BasePooling):
    """Average pooling over the height and width of images.

    Args:
        pool_size: an int or a tuple of 2 ints, the window size (default (2, 2)).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions; an average counts only real values).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, height, width, channels)` (channels_last) or
    `(batch, channels, height, width)`.

    Example:
    >>> import numpy as np
    >>> AveragePooling2D(3, strides=2, padding="same")(np.ones((1, 5, 5, 2))).shape
    (1, 3, 3, 2)
    """

    def __init__(self, pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=2, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)


class AveragePooling3D(BasePooling):
    """Average pooling over the three spatial axes of volumes.

    Args:
        pool_size: an int or a tuple of 3 ints, the window size (default (2, 2, 2)).
        strides: an int or tuple, the step of the window; None (default) means `pool_size`.
        padding: "valid" (windows inside the input) or "same" (padded so that the output
            has `ceil(size / strides)` positions; an average counts only real values).
        data_format: "channels_last" (default, `neurx.config.image_data_format()`) or
            "channels_first".

    Input shape: `(batch, dim1, dim2, dim3, channels)` (channels_last) or
    `(batch, channels, dim1, dim2, dim3)`.

    Example:
    >>> import numpy as np
    >>> AveragePooling3D(2)(np.ones((1, 4, 4, 4, 1))).shape
    (1, 2, 2, 2, 1)
    """

    def __init__(self, pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="average",
                         padding=padding, data_format=data_format, name=name, **kwargs)


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D
