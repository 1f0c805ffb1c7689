"""Depthwise separable convolution: a depthwise convolution, then a 1x1 ("pointwise")
convolution that mixes the channels (`SeparableConv1D`, `SeparableConv2D`).

Weights, in Keras 3's order: `depthwise_kernel` `kernel_size + (channels, depth_multiplier)`,
`pointwise_kernel` `(1,) * rank + (channels * depth_multiplier, filters)`, `bias` `(filters,)`.
"""
from __future__ import annotations

from neurx.layers.convolutional.arguments import own_arguments, positive_int
from neurx.layers.convolutional.base_conv import conv
from neurx.layers.convolutional.convolution_base import ConvolutionBase, channels_of
from neurx.layers.convolutional.depthwise_conv import depthwise_conv


class BaseSeparableConv(ConvolutionBase):
    """Base of `SeparableConv1D`/`SeparableConv2D`; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseSeparableConv(2, filters=8, kernel_size=3)
    >>> layer(np.ones((1, 6, 6, 4))).shape, layer.pointwise_kernel.shape
    ((1, 4, 4, 8), (1, 1, 4, 8))
    """

    config_arguments = ("depth_multiplier", "filters", "kernel_size", "strides", "padding",
                        "data_format", "dilation_rate")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias,
            {"depthwise": (depthwise_initializer, depthwise_regularizer, depthwise_constraint),
             "pointwise": (pointwise_initializer, pointwise_regularizer, pointwise_constraint)},
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint,
            **kwargs)
        self.filters = positive_int(self, "filters", filters)
        self.depth_multiplier = positive_int(self, "depth_multiplier", depth_multiplier)

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.build_kernel(
            "depthwise_kernel", self.kernel_size + (channels, self.depth_multiplier),
            "depthwise")
        self.pointwise_kernel = self.build_kernel(
            "pointwise_kernel",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters), "pointwise")
        self.bias = self.build_bias(self.filters)

    def convolve(self, inputs):
        outputs = depthwise_conv(inputs, self.depthwise_kernel.value, self.strides,
                                 self.padding, self.dilation_rate, self.data_format)
        return conv(outputs, self.pointwise_kernel.value, (1,) * self.rank, "valid",
                    (1,) * self.rank, self.data_format)

    def expected_input_channels(self):
        return self.depthwise_kernel.shape[-2], self.depthwise_kernel.shape


class SeparableConv1D(BaseSeparableConv):
    """1D depthwise separable convolution over sequences.

    Args:
        filters, kernel_size, strides=1, padding="valid", data_format=None,
        dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
        depthwise_initializer / pointwise_initializer="glorot_uniform",
        bias_initializer="zeros", depthwise_/pointwise_/bias_regularizer,
        activity_regularizer, depthwise_/pointwise_/bias_constraint: as in Keras.

    Example:
    >>> import numpy as np
    >>> SeparableConv1D(8, 3)(np.ones((2, 10, 4))).shape
    (2, 8, 8)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(1, **own_arguments(locals()), **kwargs)


class SeparableConv2D(BaseSeparableConv):
    """2D depthwise separable convolution: per-channel spatial filters, then a 1x1 mix.

    Far fewer weights than `Conv2D` for the same output (Xception is built from it).

    Args:
        filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
        dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
        depthwise_initializer / pointwise_initializer="glorot_uniform",
        bias_initializer="zeros", depthwise_/pointwise_/bias_regularizer,
        activity_regularizer, depthwise_/pointwise_/bias_constraint: as in Keras.

    Example:
    >>> import numpy as np
    >>> layer = SeparableConv2D(32, 3, activation="relu")
    >>> layer(np.ones((1, 64, 64, 3))).shape, layer.count_params()
    ((1, 62, 62, 32), 155)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 data_format=None, dilation_rate=(1, 1), depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **own_arguments(locals()), **kwargs)


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
