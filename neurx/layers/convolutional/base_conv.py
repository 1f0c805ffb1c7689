"""The N-D convolution every `Conv1D`/`Conv2D`/`Conv3D` is, plus helpers the other
convolution layers (depthwise, separable, transposed) share.

What it owns: the `jax.lax.conv_general_dilated` call with Keras's kernel layout
(`kernel_size + (in_channels // groups, filters)`, for either data format), adding the
bias, the input checks (rank, channels, window larger than the input) with errors that
name the layer and the shapes, and `BaseConv`, the layer with Keras 3's arguments,
weights (`kernel`, then `bias`) and config keys.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers
from neurx.layers.convolutional.arguments import (check_input_rank, check_output_size,
                                                  conv_output_length, standardize_data_format,
                                                  standardize_padding, standardize_tuple)
from neurx.layers.shape_checked import ShapeCheckedLayer

_SPATIAL_LETTERS = {1: "W", 2: "HW", 3: "DHW"}


def dimension_numbers(rank: int, data_format: str) -> tuple[str, str, str]:
    """`lax` layout strings for inputs, Keras kernels (spatial..., in, out) and outputs.

    >>> dimension_numbers(2, "channels_last")
    ('NHWC', 'HWIO', 'NHWC')
    """
    spatial = _SPATIAL_LETTERS[rank]
    image = "N" + spatial + "C" if data_format == "channels_last" else "NC" + spatial
    return image, spatial + "IO", image


def conv(inputs, kernel, strides, padding, dilation_rate, data_format, groups=1):
    """An N-D convolution with a Keras-layout kernel; `groups` splits the channels.

    >>> import numpy as np
    >>> conv(np.ones((1, 5, 5, 2)), np.ones((3, 3, 2, 4)), (1, 1), "valid", (1, 1),
    ...      "channels_last").shape
    (1, 3, 3, 4)
    """
    rank = kernel.ndim - 2
    return jax.lax.conv_general_dilated(
        inputs, kernel, window_strides=tuple(strides), padding=padding.upper(),
        rhs_dilation=tuple(dilation_rate),
        dimension_numbers=dimension_numbers(rank, data_format),
        feature_group_count=groups)


def add_bias(outputs, bias, rank: int, data_format: str):
    """Adds a per-channel bias on the channel axis of `data_format`."""
    if bias is None:
        return outputs
    shape = (1,) * (rank + 1) + (-1,) if data_format == "channels_last" else (1, -1) + (1,) * rank
    return outputs + jnp.reshape(bias.value if hasattr(bias, "value") else bias, shape)


def channels_of(layer, input_shape, rank: int, data_format: str) -> int:
    """The (known) channel count of an input, after checking the input's rank."""
    check_input_rank(layer, input_shape, rank, data_format)
    channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
    if channels is None:
        axis = "last" if data_format == "channels_last" else "second (channels_first)"
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) needs the channel "
                         f"axis ({axis}) of its input to be known. Received input_shape="
                         f"{tuple(input_shape)}")
    return int(channels)


def check_channels(layer, input_shape, rank: int, data_format: str, expected: int,
                   kernel_shape) -> None:
    """Raises a ValueError naming `layer` when a call's input does not fit the built weights."""
    channels = channels_of(layer, input_shape, rank, data_format)
    if channels != expected:
        axis = "last axis" if data_format == "channels_last" else "axis 1"
        raise ValueError(
            f"Input of layer '{layer.name}' ({type(layer).__name__}) is incompatible with "
            f"the layer: with data_format='{data_format}' it expects {expected} channels on "
            f"the {axis} (kernel shape {tuple(kernel_shape)}), but received input of shape "
            f"{tuple(input_shape)} with {channels} channels.")


def serialize_or_none(module, value):
    return None if value is None else module.serialize(value)


def output_spatial_shape(input_shape, rank, data_format, kernel_size, strides, padding,
                         dilation_rate):
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    return tuple(conv_output_length(length, k, s, padding, d) for length, k, s, d in
                 zip(spatial, kernel_size, strides, dilation_rate))


def with_channels(batch, spatial, channels, data_format):
    if data_format == "channels_last":
        return (batch,) + tuple(spatial) + (channels,)
    return (batch, channels) + tuple(spatial)


class BaseConv(ShapeCheckedLayer):
    """Base of the N-D convolution layers: `activation(conv(inputs, kernel) + bias)`.

    Args:
        rank: the number of spatial axes (1, 2 or 3).
        filters: the number of output channels.
        kernel_size: an int or a tuple of `rank` ints, the window size.
        strides: an int or tuple, the step of the window (default 1).
        padding: "valid" (no padding) or "same" (pad so that the output has
            `ceil(size / strides)` positions); Conv1D also accepts "causal".
        data_format: "channels_last" (default, from `neurx.config.image_data_format()`)
            or "channels_first".
        dilation_rate: an int or tuple, the spacing of the kernel taps.
        groups: splits the input channels into this many groups, each convolved with
            `filters // groups` filters.
        activation, use_bias, kernel_initializer="glorot_uniform", bias_initializer="zeros",
        kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint,
        bias_constraint: as in Keras.

    Example:
    >>> import numpy as np
    >>> layer = BaseConv(2, filters=4, kernel_size=3)
    >>> layer(np.ones((1, 8, 8, 3))).shape, layer.kernel.shape
    ((1, 6, 6, 4), (3, 3, 3, 4))
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = int(rank)
        name = type(self).__name__
        if filters is None or int(filters) <= 0:
            raise ValueError(f"{name} `filters` must be a positive integer. "
                             f"Received: filters={filters}")
        self.filters = int(filters)
        self.groups = int(groups)
        if self.groups <= 0:
            raise ValueError(f"{name} `groups` must be a positive integer. "
                             f"Received: groups={groups}")
        if self.filters % self.groups:
            raise ValueError(f"{name} `filters` must be divisible by `groups`. "
                             f"Received: filters={filters}, groups={groups}")
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{name} does not support `strides` > 1 together with "
                             f"`dilation_rate` > 1. Received: strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = standardize_padding(padding, allow_causal=self.rank == 1)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        if channels % self.groups:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) needs its input channels to be "
                f"divisible by groups={self.groups}, but the input of shape "
                f"{tuple(input_shape)} has {channels} channels.")
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (channels // self.groups,
                                                                self.filters),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def _check_call(self, inputs):
        self.compute_output_shape(inputs.shape)

    def convolution_op(self, inputs, kernel):
        return conv(inputs, kernel, self.strides, self.padding, self.dilation_rate,
                    self.data_format, self.groups)

    def call(self, inputs):
        self._check_call(inputs)
        outputs = self.convolution_op(inputs, self.kernel.value)
        return self.activation(add_bias(outputs, self.bias, self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.rank, self.data_format)
        if self.built:
            check_channels(self, input_shape, self.rank, self.data_format,
                           self.kernel.shape[-2] * self.groups, self.kernel.shape)
        spatial = output_spatial_shape(input_shape, self.rank, self.data_format,
                                       self.kernel_size, self.strides, self.padding,
                                       self.dilation_rate)
        check_output_size(self, input_shape, self.kernel_size, spatial)
        return with_channels(input_shape[0], spatial, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": serialize_or_none(regularizers, self.kernel_regularizer),
                "bias_regularizer": serialize_or_none(regularizers, self.bias_regularizer),
                "activity_regularizer": serialize_or_none(regularizers,
                                                          self.activity_regularizer),
                "kernel_constraint": serialize_or_none(constraints, self.kernel_constraint),
                "bias_constraint": serialize_or_none(constraints, self.bias_constraint)}
