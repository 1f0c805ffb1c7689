"""Transposed convolution ("deconvolution"): `Conv1DTranspose`, `Conv2DTranspose`,
`Conv3DTranspose` (and the `Convolution*Transpose` aliases).

The kernel is Keras's `kernel_size + (filters, in_channels)`; the output length follows
Keras (`arguments.deconv_output_length`), computed by `jax.lax.conv_transpose` with the
explicit padding `arguments.transpose_padding` gives.
"""
from __future__ import annotations

import jax

from neurx.layers.convolutional.arguments import (
    deconv_output_length,
    own_arguments,
    positive_int,
    standardize_tuple,
    transpose_padding,
)
from neurx.layers.convolutional.base_conv import dimension_numbers
from neurx.layers.convolutional.convolution_base import ConvolutionBase, channels_of, spatial_shape


def conv_transpose(inputs, kernel, strides, padding, output_padding, dilation_rate,
                   data_format):
    """The transposed convolution of a Keras-layout kernel `(*window, filters, in)`.

    >>> import numpy as np
    >>> conv_transpose(np.ones((1, 4, 4, 3)), np.ones((3, 3, 5, 3)), (2, 2), "same", None,
    ...                (1, 1), "channels_last").shape
    (1, 8, 8, 5)
    """
    rank = kernel.ndim - 2
    pads = [transpose_padding(kernel.shape[i], strides[i], padding,
                              None if output_padding is None else output_padding[i],
                              dilation_rate[i]) for i in range(rank)]
    return jax.lax.conv_transpose(inputs, kernel, tuple(strides), pads,
                                  rhs_dilation=tuple(dilation_rate),
                                  dimension_numbers=dimension_numbers(rank, data_format),
                                  transpose_kernel=True)


class BaseConvTranspose(ConvolutionBase):
    """Base of the transposed convolutions; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseConvTranspose(2, filters=4, kernel_size=3, strides=2, padding="same")
    >>> layer(np.ones((1, 5, 5, 2))).shape, layer.kernel.shape
    ((1, 10, 10, 4), (3, 3, 4, 2))
    """

    config_arguments = ("filters", "kernel_size", "strides", "padding", "output_padding",
                        "data_format", "dilation_rate")

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(
            rank, kernel_size, strides, padding, data_format, dilation_rate, activation,
            use_bias, {"kernel": (kernel_initializer, kernel_regularizer, kernel_constraint)},
            bias_initializer, bias_regularizer, activity_regularizer, bias_constraint,
            **kwargs)
        self.filters = positive_int(self, "filters", filters)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True)
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{type(self).__name__} `output_padding` must be smaller than "
                             f"`strides` on every axis. Received: output_padding="
                             f"{self.output_padding}, strides={self.strides}")

    def build(self, input_shape):
        channels = channels_of(self, input_shape, self.rank, self.data_format)
        self.kernel = self.build_kernel("kernel", self.kernel_size + (self.filters, channels))
        self.bias = self.build_bias(self.filters)

    def convolve(self, inputs):
        return conv_transpose(inputs, self.kernel.value, self.strides, self.padding,
                              self.output_padding, self.dilation_rate, self.data_format)

    def expected_input_channels(self):
        return self.kernel.shape[-1], self.kernel.shape

    def output_spatial_shape(self, input_shape):
        paddings = self.output_padding or (None,) * self.rank
        return tuple(deconv_output_length(length, k, s, self.padding, p, d)
                     for length, k, s, p, d in zip(spatial_shape(input_shape, self.data_format),
                                                   self.kernel_size, self.strides, paddings,
                                                   self.dilation_rate))


class Conv1DTranspose(BaseConvTranspose):
    """1D transposed convolution: upsamples sequences (the gradient of `Conv1D`).

    Args:
        filters, kernel_size, strides=1, padding="valid", output_padding=None,
        data_format=None, dilation_rate=1, activation=None, use_bias=True,
        kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer,
        bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint: as in
        Keras.

    Example:
    >>> import numpy as np
    >>> Conv1DTranspose(4, 3, strides=2)(np.ones((2, 10, 8))).shape
    (2, 21, 4)
    """

    def __init__(self, filters, kernel_size, strides=1, padding="valid", output_padding=None,
                 data_format=None, dilation_rate=1, activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(1, **own_arguments(locals()), **kwargs)


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution: upsamples images (decoders, GAN generators).

    Args: as `Conv1DTranspose`, with tuples of 2 ints. Kernel shape:
    `kernel_size + (filters, in_channels)`.

    Example:
    >>> import numpy as np
    >>> layer = Conv2DTranspose(16, 3, strides=2, padding="same")
    >>> layer(np.ones((1, 7, 7, 32))).shape, layer.kernel.shape
    ((1, 14, 14, 16), (3, 3, 16, 32))
    """

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid",
                 output_padding=None, data_format=None, dilation_rate=(1, 1), activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(2, **own_arguments(locals()), **kwargs)


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution: upsamples volumes.

    Args: as `Conv2DTranspose`, with tuples of 3 ints (note Keras's argument order:
    `data_format` comes before `output_padding`).

    Example:
    >>> import numpy as np
    >>> Conv3DTranspose(2, 2, strides=2)(np.ones((1, 3, 3, 3, 4))).shape
    (1, 6, 6, 6, 2)
    """

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                 data_format=None, output_padding=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(3, **own_arguments(locals()), **kwargs)


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
