"""Depthwise convolution: each input channel convolved with its own `depth_multiplier`
filters (`DepthwiseConv1D`, `DepthwiseConv2D`).

The kernel is named `kernel` with shape `kernel_size + (channels, depth_multiplier)`,
as Keras 3 names and shapes it; output channel `c * depth_multiplier + m` is input
channel `c` convolved with filter `m`.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.convolutional.arguments import channel_count, own_arguments, positive_int
from neurx.layers.convolutional.base_conv import conv
from neurx.layers.convolutional.convolution_base import ConvolutionBase, channels_of


def depthwise_conv(inputs, kernel, strides, padding, dilation_rate, data_format):
    """Convolves each channel with its own filters; kernel `(*window, channels, multiplier)`:
    a convolution with one group per channel.

    >>> import numpy as np
    >>> depthwise_conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2)), (1, 1), "valid",
    ...                (1, 1), "channels_last").shape
    (1, 3, 3, 6)
    """
    channels = kernel.shape[-2]
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, channels * kernel.shape[-1]))
    return conv(inputs, kernel, strides, padding, dilation_rate, data_format, groups=channels)


class BaseDepthwiseConv(ConvolutionBase):
    """Base of `DepthwiseConv1D`/`DepthwiseConv2D`; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseDepthwiseConv(2, kernel_size=3, depth_multiplier=2)
    >>> layer(np.ones((1, 6, 6, 4))).shape, layer.kernel.shape
    ((1, 4, 4, 8), (3, 3, 4, 2))
    """

    config_arguments = ("depth_multiplier", "kernel_size", "strides", "padding",
                        "data_format", "dilation_rate")
    allows_strided_dilation = True

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias,
            {"depthwise": (depthwise_initializer, depthwise_regularizer, depthwise_constraint)},
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint,
            **kwargs)
        self.depth_multiplier = positive_int(self, "depth_multiplier", depth_multiplier)

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = self.build_kernel(
            "kernel", self.kernel_size + (channels, self.depth_multiplier), "depthwise")
        self.bias = self.build_bias(channels * self.depth_multiplier)

    def convolve(self, inputs):
        return depthwise_conv(inputs, self.kernel.value, self.strides, self.padding,
                              self.dilation_rate, self.data_format)

    def output_channels(self, input_shape):
        channels = channel_count(input_shape, self.data_format)
        return None if channels is None else channels * self.depth_multiplier


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution: each channel of a sequence gets its own filters.

    Args:
        kernel_size: an int, the window length.
        strides=1, padding="valid", depth_multiplier=1 (filters per input channel),
        data_format=None, dilation_rate=1, activation=None, use_bias=True,
        depthwise_initializer="glorot_uniform", bias_initializer="zeros",
        depthwise_regularizer, bias_regularizer, activity_regularizer,
        depthwise_constraint, bias_constraint: as in Keras.

    Output shape: `(batch, new_steps, channels * depth_multiplier)` (channels_last).

    Example:
    >>> import numpy as np
    >>> DepthwiseConv1D(3)(np.ones((2, 10, 4))).shape
    (2, 8, 4)
    """

    def __init__(self, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **own_arguments(locals()), **kwargs)


class DepthwiseConv2D(BaseDepthwiseConv):
    """2D depthwise convolution: each channel of an image gets its own filters.

    Args:
        kernel_size: an int or a tuple of 2 ints.
        strides=(1, 1), padding="valid", depth_multiplier=1 (filters per input
        channel), data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
        depthwise_initializer="glorot_uniform", bias_initializer="zeros",
        depthwise_regularizer, bias_regularizer, activity_regularizer,
        depthwise_constraint, bias_constraint: as in Keras.

    Weights: `kernel` of shape `kernel_size + (channels, depth_multiplier)`, then `bias`.

    Example:
    >>> import numpy as np
    >>> layer = DepthwiseConv2D(3, padding="same", depth_multiplier=2)
    >>> layer(np.ones((1, 8, 8, 3))).shape, layer.kernel.shape
    ((1, 8, 8, 6), (3, 3, 3, 2))
    """

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **own_arguments(locals()), **kwargs)
