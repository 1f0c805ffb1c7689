"""`Conv1D`, `Conv2D`, `Conv3D` (and Keras's aliases `Convolution1D/2D/3D`)."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.convolutional.arguments import own_arguments
from neurx.layers.convolutional.base_conv import BaseConv, conv


class Conv1D(BaseConv):
    """1D convolution (temporal convolution) over sequences.

    Args:
        filters: the number of output channels.
        kernel_size: an int, the window length.
        strides=1, padding="valid" ("valid", "same" or "causal": left-padded so that
        output step t only sees input steps <= t), data_format=None, dilation_rate=1,
        groups=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
        bias_initializer="zeros", kernel_regularizer, bias_regularizer,
        activity_regularizer, kernel_constraint, bias_constraint: as in Keras.

    Input shape: `(batch, steps, channels)` (channels_last) or `(batch, channels, steps)`.
    Output shape: `(batch, new_steps, filters)` (or channels first).

    Example:
    >>> import numpy as np
    >>> layer = Conv1D(8, 5, activation="relu")
    >>> layer(np.ones((2, 100, 16))).shape, layer.kernel.shape
    ((2, 96, 8), (5, 16, 8))
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **own_arguments(locals()), **kwargs)

    def convolution_op(self, inputs, kernel):
        if self.padding != "causal":
            return super().convolution_op(inputs, kernel)
        left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
        pads = [(0, 0), (left, 0), (0, 0)] if self.data_format == "channels_last" else \
            [(0, 0), (0, 0), (left, 0)]
        return conv(jnp.pad(inputs, pads), kernel, self.strides, "valid", self.dilation_rate,
                    self.data_format, self.groups)


class Conv2D(BaseConv):
    """2D convolution over images.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 2 ints, the window height and width.
        strides=(1, 1), padding="valid" ("valid" or "same"), data_format=None
        ("channels_last", the default from `neurx.config.image_data_format()`, or
        "channels_first"), dilation_rate=(1, 1), groups=1, activation=None, use_bias=True,
        kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
        Keras.

    Input shape: `(batch, height, width, channels)` (channels_last) or
    `(batch, channels, height, width)`.
    Output shape: `(batch, new_height, new_width, filters)` (or channels first).

    Weights: `kernel` of shape `kernel_size + (channels // groups, filters)`, then `bias`.

    Example:
    >>> import numpy as np
    >>> layer = Conv2D(32, 3, activation="relu", padding="same")
    >>> layer(np.ones((2, 28, 28, 1))).shape, layer.kernel.shape
    ((2, 28, 28, 32), (3, 3, 1, 32))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **own_arguments(locals()), **kwargs)


class Conv3D(BaseConv):
    """3D convolution over volumes (e.g. video frames or scans).

    Args: as `Conv2D`, with tuples of 3 ints for `kernel_size`, `strides` and
    `dilation_rate`.

    Input shape: `(batch, depth, height, width, channels)` (channels_last) or
    `(batch, channels, depth, height, width)`.

    Example:
    >>> import numpy as np
    >>> layer = Conv3D(4, 3)
    >>> layer(np.ones((1, 6, 6, 6, 2))).shape, layer.kernel.shape
    ((1, 4, 4, 4, 4), (3, 3, 3, 2, 4))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1, 1), groups=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(3, **own_arguments(locals()), **kwargs)


Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
