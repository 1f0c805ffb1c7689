"""Depthwise convolution: each input channel convolved with its own `depth_multiplier`
filters (`DepthwiseConv1D`, `DepthwiseConv2D`).

The kernel is named `kernel` with shape `kernel_size + (channels, depth_multiplier)`,
as Keras 3 names and shapes it; output channel `c * depth_multiplier + m` is input
channel `c` convolved with filter `m`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers
from neurx.layers.convolutional.arguments import (check_input_rank, check_output_size,
                                                  standardize_data_format, standardize_padding,
                                                  standardize_tuple)
from neurx.layers.convolutional.base_conv import (add_bias, channels_of, check_channels,
                                                  dimension_numbers, output_spatial_shape,
                                                  serialize_or_none, with_channels)
from neurx.layers.shape_checked import ShapeCheckedLayer


def depthwise_conv(inputs, kernel, strides, padding, dilation_rate, data_format):
    """Convolves each channel with its own filters; kernel `(*window, channels, multiplier)`.

    >>> import numpy as np
    >>> depthwise_conv(np.ones((1, 5, 5, 3)), np.ones((3, 3, 3, 2)), (1, 1), "valid",
    ...                (1, 1), "channels_last").shape
    (1, 3, 3, 6)
    """
    rank = kernel.ndim - 2
    channels = kernel.shape[-2]
    kernel = jnp.reshape(kernel, kernel.shape[:-2] + (1, channels * kernel.shape[-1]))
    return jax.lax.conv_general_dilated(
        inputs, kernel, window_strides=tuple(strides), padding=padding.upper(),
        rhs_dilation=tuple(dilation_rate),
        dimension_numbers=dimension_numbers(rank, data_format),
        feature_group_count=channels)


class BaseDepthwiseConv(ShapeCheckedLayer):
    """Base of `DepthwiseConv1D`/`DepthwiseConv2D`; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseDepthwiseConv(2, kernel_size=3, depth_multiplier=2)
    >>> layer(np.ones((1, 6, 6, 4))).shape, layer.kernel.shape
    ((1, 4, 4, 8), (3, 3, 4, 2))
    """

    def __init__(self, rank, kernel_size, strides=1, padding="valid", depth_multiplier=1,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = int(rank)
        if depth_multiplier is None or int(depth_multiplier) <= 0:
            raise ValueError(f"{type(self).__name__} `depth_multiplier` must be a positive "
                             f"integer. Received: depth_multiplier={depth_multiplier}")
        self.depth_multiplier = int(depth_multiplier)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (channels, self.depth_multiplier),
                                      initializer=self.depthwise_initializer,
                                      regularizer=self.depthwise_regularizer,
                                      constraint=self.depthwise_constraint)
        self.bias = self.add_weight(name="bias", shape=(channels * self.depth_multiplier,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        outputs = depthwise_conv(inputs, self.kernel.value, self.strides, self.padding,
                                 self.dilation_rate, self.data_format)
        return self.activation(add_bias(outputs, self.bias, self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.rank, self.data_format)
        if self.built:
            check_channels(self, input_shape, self.rank, self.data_format,
                           self.kernel.shape[-2], self.kernel.shape)
        channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        spatial = output_spatial_shape(input_shape, self.rank, self.data_format,
                                       self.kernel_size, self.strides, self.padding,
                                       self.dilation_rate)
        check_output_size(self, input_shape, self.kernel_size, spatial)
        out_channels = None if channels is None else channels * self.depth_multiplier
        return with_channels(input_shape[0], spatial, out_channels, self.data_format)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "depthwise_regularizer": serialize_or_none(regularizers,
                                                           self.depthwise_regularizer),
                "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
                "activity_regularizer": serialize_or_none(regularizers,
                                                          self.activity_regularizer),
                "depthwise_constraint": serialize_or_none(constraints,
                                                          self.depthwise_constraint),
                "bias_constraint": serialize_or_none(constraints, self.bias_constraint)}


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
        super().__init__(1, kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)


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
        super().__init__(2, kernel_size, strides=strides, padding=padding,
                         depth_multiplier=depth_multiplier, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)
