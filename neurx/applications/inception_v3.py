"""Inception V3 (Szegedy et al., 2016): parallel branches of factorized convolutions.

`keras.applications.inception_v3`: `InceptionV3`, `preprocess_input` ("tf" mode),
`decode_predictions`. As in Keras, the convolution + batch-norm pairs inside the
modules are not named (they get `conv2d_N` / `batch_normalization_N`), and the
modules' outputs are named `mixed0` ... `mixed10`.
"""
from __future__ import annotations

from neurx.applications import imagenet_utils
from neurx.applications.common import (
    channel_axis,
    finish,
    image_inputs,
    keras_weight_file,
    pooled_top,
    prepare,
)
from neurx.layers.convolutional import Conv2D
from neurx.layers.core import Activation
from neurx.layers.merging import concatenate
from neurx.layers.normalization import BatchNormalization
from neurx.layers.pooling import AveragePooling2D, MaxPooling2D

_weight_file = keras_weight_file("inception_v3", "inception_v3",
                                 "9a0d58056eeedaa3f26cb7ebd46da564",
                                 "bcbd6486424b2319ff4ef7d526e38f63")


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """Conv2D (no bias) -> BatchNormalization (no scale) -> ReLU, as Keras's helper."""
    x = Conv2D(filters, (num_row, num_col), strides=strides, padding=padding, use_bias=False,
               name=None if name is None else f"{name}_conv")(x)
    x = BatchNormalization(axis=channel_axis(), scale=False,
                           name=None if name is None else f"{name}_bn")(x)
    return Activation("relu", name=name)(x)


def _avg_pool_branch(x, filters):
    return conv2d_bn(AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x), filters, 1, 1)


def _module_35(x, pool_filters, name):
    """mixed0-2: 1x1, 5x5, double 3x3 and pooling branches."""
    branch1x1 = conv2d_bn(x, 64, 1, 1)
    branch5x5 = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    branch3x3dbl = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    branch_pool = _avg_pool_branch(x, pool_filters)
    return concatenate([branch1x1, branch5x5, branch3x3dbl, branch_pool],
                       axis=channel_axis(), name=name)


def _module_17(x, filters, name):
    """mixed4-7: 1x1, factorized 7x7, double factorized 7x7 and pooling branches."""
    branch1x1 = conv2d_bn(x, 192, 1, 1)
    branch7x7 = conv2d_bn(x, filters, 1, 1)
    branch7x7 = conv2d_bn(branch7x7, filters, 1, 7)
    branch7x7 = conv2d_bn(branch7x7, 192, 7, 1)
    branch7x7dbl = conv2d_bn(x, filters, 1, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 1, 7)
    branch7x7dbl = conv2d_bn(branch7x7dbl, filters, 7, 1)
    branch7x7dbl = conv2d_bn(branch7x7dbl, 192, 1, 7)
    branch_pool = _avg_pool_branch(x, 192)
    return concatenate([branch1x1, branch7x7, branch7x7dbl, branch_pool],
                       axis=channel_axis(), name=name)


def _module_8(x, i):
    """mixed9-10: 1x1, split 3x3, double split 3x3 and pooling branches."""
    axis = channel_axis()
    branch1x1 = conv2d_bn(x, 320, 1, 1)
    branch3x3 = conv2d_bn(x, 384, 1, 1)
    branch3x3 = concatenate([conv2d_bn(branch3x3, 384, 1, 3), conv2d_bn(branch3x3, 384, 3, 1)],
                            axis=axis, name=f"mixed9_{i}")
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    branch3x3dbl = concatenate([conv2d_bn(branch3x3dbl, 384, 1, 3),
                                conv2d_bn(branch3x3dbl, 384, 3, 1)], axis=axis)
    branch_pool = _avg_pool_branch(x, 192)
    return concatenate([branch1x1, branch3x3, branch3x3dbl, branch_pool], axis=axis,
                       name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    """Instantiates the Inception v3 model (23,851,784 parameters with the top).

    Args:
        include_top: whether to include the classifier (global average pooling and the
            `predictions` layer).
        weights: None (random), "imagenet" (Keras's published file, from the models cache
            or downloaded), or the path of a weight file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: `(height, width, 3)` (at least 75x75) when `include_top=False`;
            with the top it defaults to `(299, 299, 3)`.
        pooling: with `include_top=False`, None (4D output), "avg" or "max".
        classes: the number of classes (with the top; 1000 for ImageNet weights).
        classifier_activation: the top layer's activation ("softmax" or None with weights).
        name: the model's name.

    Inputs are expected to be preprocessed with `inception_v3.preprocess_input` ([-1, 1]).

    Example:
    >>> model = InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    >>> model.output_shape, model.get_layer("mixed10").name, model.count_params()
    ((None, 1, 1, 2048), 'mixed10', 21802784)
    """
    weights_path = prepare(weights, include_top, classes, classifier_activation, pooling,
                           _weight_file)
    img_input, inputs = image_inputs(weights, include_top, input_tensor, input_shape,
                                     default_size=299, min_size=75)
    axis = channel_axis()

    x = conv2d_bn(img_input, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = MaxPooling2D((3, 3), strides=(2, 2))(x)

    x = _module_35(x, 32, "mixed0")
    x = _module_35(x, 64, "mixed1")
    x = _module_35(x, 64, "mixed2")

    branch3x3 = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    branch3x3dbl = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    branch3x3dbl = conv2d_bn(branch3x3dbl, 96, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([branch3x3, branch3x3dbl, branch_pool], axis=axis, name="mixed3")

    x = _module_17(x, 128, "mixed4")
    x = _module_17(x, 160, "mixed5")
    x = _module_17(x, 160, "mixed6")
    x = _module_17(x, 192, "mixed7")

    branch3x3 = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    branch7x7x3 = conv2d_bn(x, 192, 1, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 1, 7)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 7, 1)
    branch7x7x3 = conv2d_bn(branch7x7x3, 192, 3, 3, strides=(2, 2), padding="valid")
    branch_pool = MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = concatenate([branch3x3, branch7x7x3, branch_pool], axis=axis, name="mixed8")

    x = _module_8(x, 0)
    x = _module_8(x, 1)
    x = pooled_top(x, include_top, pooling, classes, classifier_activation)
    return finish(inputs, x, name, weights_path)


def preprocess_input(x, data_format=None):
    """InceptionV3's preprocessing: scales pixels from [0, 255] to [-1, 1] ("tf" mode).

    >>> import numpy as np
    >>> preprocess_input(np.array([0.0, 127.5])).tolist()
    [-1.0, 0.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
