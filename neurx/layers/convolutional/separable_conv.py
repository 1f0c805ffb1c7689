"""Depthwise separable convolution: a depthwise convolution, then a 1x1 ("pointwise")
convolution that mixes the channels (`SeparableConv1D`, `SeparableConv2D`).

Weights, in Keras 3's order: `depthwise_kernel` `kernel_size + (channels, depth_multiplier)`,
`pointwise_kernel` `(1,) * rank + (channels * depth_multiplier, filters)`, `bias` `(filters,)`.
"""
from __future__ import annotations

from neurx import activations, constraints, initializers, regularizers
from neurx.layers.convolutional.arguments import (check_input_rank, check_output_size,
                                                  standardize_data_format, standardize_padding,
                                                  standardize_tuple)
from neurx.layers.convolutional.base_conv import (add_bias, channels_of, check_channels, conv,
                                                  output_spatial_shape, serialize_or_none,
                                                  with_channels)
from neurx.layers.convolutional.depthwise_conv import depthwise_conv
from neurx.layers.shape_checked import ShapeCheckedLayer


class BaseSeparableConv(ShapeCheckedLayer):
    """Base of `SeparableConv1D`/`SeparableConv2D`; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseSeparableConv(2, filters=8, kernel_size=3)
    >>> layer(np.ones((1, 6, 6, 4))).shape, layer.pointwise_kernel.shape
    ((1, 4, 4, 8), (1, 1, 4, 8))
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, depth_multiplier=1, activation=None,
                 use_bias=True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None,
                 pointwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.rank = int(rank)
        if filters is None or int(filters) <= 0:
            raise ValueError(f"{name} `filters` must be a positive integer. "
                             f"Received: filters={filters}")
        if depth_multiplier is None or int(depth_multiplier) <= 0:
            raise ValueError(f"{name} `depth_multiplier` must be a positive integer. "
                             f"Received: depth_multiplier={depth_multiplier}")
        self.filters = int(filters)
        self.depth_multiplier = int(depth_multiplier)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{name} does not support `strides` > 1 together with "
                             f"`dilation_rate` > 1. Received: strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = standardize_padding(padding)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer, regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer, regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        outputs = depthwise_conv(inputs, self.depthwise_kernel.value, self.strides,
                                 self.padding, self.dilation_rate, self.data_format)
        outputs = conv(outputs, self.pointwise_kernel.value, (1,) * self.rank, "valid",
                       (1,) * self.rank, self.data_format)
        return self.activation(add_bias(outputs, self.bias, self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.rank, self.data_format)
        if self.built:
            kernel_shape = self.depthwise_kernel.shape
            check_channels(self, input_shape, self.rank, self.data_format, kernel_shape[-2],
                           kernel_shape)
        spatial = output_spatial_shape(input_shape, self.rank, self.data_format,
                                       self.kernel_size, self.strides, self.padding,
                                       self.dilation_rate)
        check_output_size(self, input_shape, self.kernel_size, spatial)
        return with_channels(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                "filters": self.filters, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "depthwise_initializer": initializers.serialize(self.depthwise_initializer),
                "pointwise_initializer": initializers.serialize(self.pointwise_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "depthwise_regularizer": serialize_or_none(regularizers,
                                                           self.depthwise_regularizer),
                "pointwise_regularizer": serialize_or_none(regularizers,
                                                           self.pointwise_regularizer),
                "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
                "activity_regularizer": serialize_or_none(regularizers,
                                                          self.activity_regularizer),
                "depthwise_constraint": serialize_or_none(constraints,
                                                          self.depthwise_constraint),
                "pointwise_constraint": serialize_or_none(constraints,
                                                          self.pointwise_constraint),
                "bias_constraint": serialize_or_none(constraints, self.bias_constraint)}


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
        super().__init__(1, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)


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
        super().__init__(2, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format, dilation_rate=dilation_rate,
                         depth_multiplier=depth_multiplier, activation=activation,
                         use_bias=use_bias, depthwise_initializer=depthwise_initializer,
                         pointwise_initializer=pointwise_initializer,
                         bias_initializer=bias_initializer,
                         depthwise_regularizer=depthwise_regularizer,
                         pointwise_regularizer=pointwise_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         depthwise_constraint=depthwise_constraint,
                         pointwise_constraint=pointwise_constraint,
                         bias_constraint=bias_constraint, **kwargs)


SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
