"""`ConvolutionBase`: what every convolution layer (plain, depthwise, separable, transposed)
shares, and the shape helpers they use.

What it owns: the window arguments (`kernel_size`, `strides`, `padding`, `data_format`,
`dilation_rate`), `activation`, the bias and the initializer, regularizer and constraint
of each kernel; `call` as `activation(convolution + bias)`; the input checks (rank,
channels, window larger than the input) with errors that name the layer and the shapes;
and `get_config` in Keras 3's key order.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx import activations, constraints, initializers, regularizers
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
from neurx.layers.core import serialize_or_none
from neurx.layers.shape_checked import ShapeCheckedLayer


def add_bias(outputs, bias, rank: int, data_format: str):
    """Adds a per-channel bias on the channel axis of `data_format`."""
    if bias is None:
        return outputs
    shape = (1,) * (rank + 1) + (-1,) if data_format == "channels_last" else (1, -1) + (1,) * rank
    return outputs + jnp.reshape(bias.value if hasattr(bias, "value") else bias, shape)


def channels_of(layer, input_shape, rank: int, data_format: str) -> int:
    """The (known) channel count of an input, after checking the input's rank."""
    check_input_rank(layer, input_shape, rank, data_format)
    channels = channel_count(input_shape, data_format)
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


class ConvolutionBase(ShapeCheckedLayer):
    """Base of `BaseConv`, `BaseDepthwiseConv`, `BaseSeparableConv` and `BaseConvTranspose`.

    `kernels` maps each kernel's argument prefix (`"kernel"`; `"depthwise"` and
    `"pointwise"`) to its `(initializer, regularizer, constraint)`. A subclass names its
    other config keys, in Keras's order, in `config_arguments`, creates its weights in
    `build` (with `build_kernel` and `build_bias`), returns the convolution without bias from
    `convolve`, and says which channels its built kernel takes in
    `expected_input_channels`.

    Example:
    >>> import numpy as np
    >>> from neurx.layers.convolutional.base_conv import BaseConv
    >>> layer = BaseConv(1, filters=2, kernel_size=3, kernel_regularizer="l2")
    >>> isinstance(layer, ConvolutionBase), layer(np.ones((1, 5, 4))).shape
    (True, (1, 3, 2))
    >>> [key for key in layer.get_config() if key.endswith("_regularizer")]
    ['activity_regularizer', 'kernel_regularizer', 'bias_regularizer']
    """

    config_arguments: tuple = ()
    config_lists_activity_regularizer = True
    slow_in_cpu_loops = True
    # Keras refuses strides > 1 with dilation_rate > 1 except in the depthwise convolutions.
    allows_strided_dilation = False

    def __init__(self, rank, kernel_size, strides, padding, data_format, dilation_rate,
                 activation, use_bias, kernels: dict, bias_initializer, bias_regularizer,
                 activity_regularizer, bias_constraint, allow_causal=False, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.rank = int(rank)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        if (not self.allows_strided_dilation and max(self.strides) > 1
                and max(self.dilation_rate) > 1):
            raise ValueError(f"{name} does not support `strides` > 1 together with "
                             f"`dilation_rate` > 1. Received: strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}")
        self.padding = standardize_padding(padding, allow_causal=allow_causal)
        self.data_format = standardize_data_format(data_format)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._kernel_prefixes = tuple(kernels)
        for prefix, (initializer, regularizer, constraint) in {
                **kernels, "bias": (bias_initializer, bias_regularizer, bias_constraint)}.items():
            setattr(self, f"{prefix}_initializer", initializers.get(initializer))
            setattr(self, f"{prefix}_regularizer", regularizers.get(regularizer))
            setattr(self, f"{prefix}_constraint", constraints.get(constraint))

    def build_kernel(self, name: str, shape: tuple, prefix: str = "kernel"):
        """A kernel weight with the initializer, regularizer and constraint of `prefix`."""
        return self.add_weight(name=name, shape=shape,
                               initializer=getattr(self, f"{prefix}_initializer"),
                               regularizer=getattr(self, f"{prefix}_regularizer"),
                               constraint=getattr(self, f"{prefix}_constraint"))

    def build_bias(self, channels: int):
        """The `bias` weight of `channels` values, or None when `use_bias` is False."""
        return self.build_kernel("bias", (channels,), "bias") if self.use_bias else None

    def convolve(self, inputs):
        raise NotImplementedError(f"{type(self).__name__} must implement `convolve`.")

    def call(self, inputs):
        self.checked_output_shape(inputs.shape)
        outputs = self.convolve(inputs)
        return self.activation(add_bias(outputs, self.bias, self.rank, self.data_format))

    def expected_input_channels(self) -> tuple[int, tuple]:
        """The input channels the built kernel takes, and that kernel's shape."""
        return self.kernel.shape[-2], self.kernel.shape

    def output_spatial_shape(self, input_shape) -> tuple:
        """The output's spatial axes; raises when the window does not fit in the input."""
        spatial = tuple(conv_output_length(length, k, s, self.padding, d) for length, k, s, d
                        in zip(spatial_shape(input_shape, self.data_format), self.kernel_size,
                               self.strides, self.dilation_rate))
        check_output_size(self, input_shape, self.kernel_size, spatial, self.dilation_rate)
        return spatial

    def output_channels(self, input_shape):
        return self.filters

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.rank, self.data_format)
        if self.built:
            check_channels(self, input_shape, self.rank, self.data_format,
                           *self.expected_input_channels())
        return with_channels(input_shape[0], self.output_spatial_shape(input_shape),
                             self.output_channels(input_shape), self.data_format)

    def get_config(self):
        prefixes = self._kernel_prefixes + ("bias",)
        return {**super().get_config(),
                **{name: getattr(self, name) for name in self.config_arguments},
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                **{f"{p}_initializer": initializers.serialize(getattr(self, f"{p}_initializer"))
                   for p in prefixes},
                **{f"{p}_regularizer": serialize_or_none(regularizers,
                                                         getattr(self, f"{p}_regularizer"))
                   for p in prefixes},
                **{f"{p}_constraint": serialize_or_none(constraints,
                                                        getattr(self, f"{p}_constraint"))
                   for p in prefixes}}
