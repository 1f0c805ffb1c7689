"""Transposed convolution ("deconvolution"): `Conv1DTranspose`, `Conv2DTranspose`,
`Conv3DTranspose` (and the `Convolution*Transpose` aliases).

The kernel is Keras's `kernel_size + (filters, in_channels)`; the output length follows
Keras (`arguments.deconv_output_length`), computed by `jax.lax.conv_transpose` with the
explicit padding `arguments.transpose_padding` gives.
"""
from __future__ import annotations

import jax

from neurx import activations, constraints, initializers, regularizers
from neurx.layers.convolutional.arguments import (check_input_rank, deconv_output_length,
                                                  standardize_data_format, standardize_padding,
                                                  standardize_tuple, transpose_padding)
from neurx.layers.convolutional.base_conv import (add_bias, channels_of, check_channels,
                                                  dimension_numbers, serialize_or_none,
                                                  with_channels)
from neurx.layers.shape_checked import ShapeCheckedLayer


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


class BaseConvTranspose(ShapeCheckedLayer):
    """Base of the transposed convolutions; `rank` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> layer = BaseConvTranspose(2, filters=4, kernel_size=3, strides=2, padding="same")
    >>> layer(np.ones((1, 5, 5, 2))).shape, layer.kernel.shape
    ((1, 10, 10, 4), (3, 3, 4, 2))
    """

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        name = type(self).__name__
        self.rank = int(rank)
        if filters is None or int(filters) <= 0:
            raise ValueError(f"{name} `filters` must be a positive integer. "
                             f"Received: filters={filters}")
        self.filters = int(filters)
        self.kernel_size = standardize_tuple(kernel_size, self.rank, "kernel_size")
        self.strides = standardize_tuple(strides, self.rank, "strides")
        self.dilation_rate = standardize_tuple(dilation_rate, self.rank, "dilation_rate")
        self.padding = standardize_padding(padding)
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True)
        if self.output_padding is not None and any(
                p >= s for p, s in zip(self.output_padding, self.strides)):
            raise ValueError(f"{name} `output_padding` must be smaller than `strides` on "
                             f"every axis. Received: output_padding={self.output_padding}, "
                             f"strides={self.strides}")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(f"{name} does not support `strides` > 1 together with "
                             f"`dilation_rate` > 1. Received: strides={self.strides}, "
                             f"dilation_rate={self.dilation_rate}")
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
        self.kernel = self.add_weight(name="kernel",
                                      shape=self.kernel_size + (self.filters, channels),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.bias = self.add_weight(name="bias", shape=(self.filters,),
                                    initializer=self.bias_initializer,
                                    regularizer=self.bias_regularizer,
                                    constraint=self.bias_constraint) if self.use_bias else None

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        outputs = conv_transpose(inputs, self.kernel.value, self.strides, self.padding,
                                 self.output_padding, self.dilation_rate, self.data_format)
        return self.activation(add_bias(outputs, self.bias, self.rank, self.data_format))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.rank, self.data_format)
        if self.built:
            check_channels(self, input_shape, self.rank, self.data_format,
                           self.kernel.shape[-1], self.kernel.shape)
        spatial = input_shape[1:-1] if self.data_format == "channels_last" else input_shape[2:]
        paddings = self.output_padding or (None,) * self.rank
        out = tuple(deconv_output_length(length, k, s, self.padding, p, d) for length, k, s, p, d
                    in zip(spatial, self.kernel_size, self.strides, paddings,
                           self.dilation_rate))
        return with_channels(input_shape[0], out, self.filters, self.data_format)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "output_padding": self.output_padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
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


def _transpose_kwargs(locals_: dict) -> dict:
    return {k: v for k, v in locals_.items() if k not in ("self", "kwargs", "__class__")}


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
        super().__init__(1, **_transpose_kwargs(locals()), **kwargs)


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
        super().__init__(2, **_transpose_kwargs(locals()), **kwargs)


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
        super().__init__(3, **_transpose_kwargs(locals()), **kwargs)


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose
