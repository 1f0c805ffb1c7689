"""The N-D convolution every `Conv1D`/`Conv2D`/`Conv3D` is.

What it owns: the `jax.lax.conv_general_dilated` call with Keras's kernel layout
(`kernel_size + (in_channels // groups, filters)`, for either data format; the other
convolution layers use its layout strings), and `BaseConv`, the layer with Keras 3's
arguments, weights (`kernel`, then `bias`) and config keys.
"""
from __future__ import annotations

import jax

from neurx.layers.convolutional.arguments import positive_int
from neurx.layers.convolutional.convolution_base import ConvolutionBase, channels_of
from neurx.layers.convolutional.matmul_conv import conv_as_matmul, fits_patches

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


class BaseConv(ConvolutionBase):
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

    config_arguments = ("filters", "kernel_size", "strides", "padding", "data_format",
                        "dilation_rate", "groups")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 data_format=None, dilation_rate=1, groups=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, {"kernel": (kernel_initializer, kernel_regularizer, kernel_constraint)},
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint,
            allow_causal=int(rank) == 1, **kwargs)
        self.filters = positive_int(self, "filters", filters)
        self.groups = positive_int(self, "groups", groups)
        if self.filters % self.groups:
            raise ValueError(f"{type(self).__name__} `filters` must be divisible by `groups`. "
                             f"Received: filters={filters}, groups={groups}")

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        if channels % self.groups:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) needs its input channels to be "
                f"divisible by groups={self.groups}, but the input of shape "
                f"{tuple(input_shape)} has {channels} channels.")
        self.compute_output_shape(input_shape)
        self.kernel = self.build_kernel(
            "kernel", self.kernel_size + (channels // self.groups, self.filters))
        self.bias = self.build_bias(self.filters)

    as_matmul = False   # set through run_as_matmul by the trainer on XLA:CPU, see matmul_conv.py

    def can_run_as_matmul(self):
        return (self.built and self.data_format == "channels_last" and self.groups == 1
                and fits_patches(self.kernel.shape, self.strides, self.dilation_rate,
                                 self.padding))

    def run_as_matmul(self):
        if not self.can_run_as_matmul():
            super().run_as_matmul()
        self.as_matmul = True

    def convolution_op(self, inputs, kernel):
        if self.as_matmul:
            return conv_as_matmul(inputs, kernel, self.padding)
        return conv(inputs, kernel, self.strides, self.padding, self.dilation_rate,
                    self.data_format, self.groups)

    def convolve(self, inputs):
        return self.convolution_op(inputs, self.kernel.value)

    def expected_input_channels(self):
        return self.kernel.shape[-2] * self.groups, self.kernel.shape
