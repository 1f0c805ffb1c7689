"""Xception (Chollet, 2017): depthwise separable convolutions with residual connections.

`keras.applications.xception`: `Xception`, `preprocess_input` ("tf" mode),
`decode_predictions`.
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
from neurx.layers.convolutional import Conv2D, SeparableConv2D
from neurx.layers.core import Activation
from neurx.layers.merging import add
from neurx.layers.normalization import BatchNormalization
from neurx.layers.pooling import MaxPooling2D

_weight_file = keras_weight_file("xception", "xception",
                                 "0a58e3b7378bc2990ea3b43d5981f1f6",
                                 "b0042744bf5b25fce3cb969f33bebb97")


def _sepconv_bn(x, filters, name, relu_first):
    """(ReLU ->) SeparableConv2D -> BatchNormalization, named `<name>`, `<name>_bn`."""
    if relu_first:
        x = Activation("relu", name=f"{name}_act")(x)
    x = SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return BatchNormalization(axis=channel_axis(), name=f"{name}_bn")(x)


def _downsampling_block(x, block, filters, first_relu=True):
    """Two separable convolutions and a strided max pool, plus a 1x1 strided shortcut."""
    residual = Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same", use_bias=False)(x)
    residual = BatchNormalization(axis=channel_axis())(residual)
    if first_relu:
        x = Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = SeparableConv2D(filters[0], (3, 3), padding="same", use_bias=False,
                        name=f"block{block}_sepconv1")(x)
    x = BatchNormalization(axis=channel_axis(), name=f"block{block}_sepconv1_bn")(x)
    x = _sepconv_bn(x, filters[1], f"block{block}_sepconv2", relu_first=True)
    x = MaxPooling2D((3, 3), strides=(2, 2), padding="same", name=f"block{block}_pool")(x)
    return add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    """Instantiates the Xception model (22,910,480 parameters with the top).

    Args:
        include_top: whether to include the classifier (global average pooling and the
            `predictions` layer).
        weights: None (random), "imagenet" (Keras's published file, from the models cache
            or downloaded), or the path of a weight file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: `(height, width, 3)` (at least 71x71) when `include_top=False`;
            with the top it defaults to `(299, 299, 3)`.
        pooling: with `include_top=False`, None (4D output), "avg" or "max".
        classes: the number of classes (with the top; 1000 for ImageNet weights).
        classifier_activation: the top layer's activation ("softmax" or None with weights).
        name: the model's name.

    Inputs are expected to be preprocessed with `xception.preprocess_input` ([-1, 1]).

    Example:
    >>> model = Xception(weights=None, include_top=False, input_shape=(71, 71, 3),
    ...                  pooling="avg")
    >>> model.output_shape, model.count_params()
    ((None, 2048), 20861480)
    """
    weights_path = prepare(weights, include_top, classes, classifier_activation, pooling,
                           _weight_file)
    img_input, inputs = image_inputs(weights, include_top, input_tensor, input_shape,
                                     default_size=299, min_size=71)
    axis = channel_axis()

    x = Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(img_input)
    x = BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = Activation("relu", name="block1_conv1_act")(x)
    x = Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = Activation("relu", name="block1_conv2_act")(x)

    x = _downsampling_block(x, 2, (128, 128), first_relu=False)
    x = _downsampling_block(x, 3, (256, 256))
    x = _downsampling_block(x, 4, (728, 728))
    for block in range(5, 13):  # middle flow: three separable convolutions, identity shortcut
        residual = x
        for i in (1, 2, 3):
            x = _sepconv_bn(x, 728, f"block{block}_sepconv{i}", relu_first=True)
        x = add([x, residual])
    x = _downsampling_block(x, 13, (728, 1024))

    x = SeparableConv2D(1536, (3, 3), padding="same", use_bias=False,
                        name="block14_sepconv1")(x)
    x = BatchNormalization(axis=axis, name="block14_sepconv1_bn")(x)
    x = Activation("relu", name="block14_sepconv1_act")(x)
    x = SeparableConv2D(2048, (3, 3), padding="same", use_bias=False,
                        name="block14_sepconv2")(x)
    x = BatchNormalization(axis=axis, name="block14_sepconv2_bn")(x)
    x = Activation("relu", name="block14_sepconv2_act")(x)
    x = pooled_top(x, include_top, pooling, classes, classifier_activation)
    return finish(inputs, x, name, weights_path)


def preprocess_input(x, data_format=None):
    """Xception's preprocessing: scales pixels from [0, 255] to [-1, 1] ("tf" mode).

    >>> import numpy as np
    >>> preprocess_input(np.array([0.0, 255.0])).tolist()
    [-1.0, 1.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
