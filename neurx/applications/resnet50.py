"""ResNet50 (He et al., 2015): bottleneck residual blocks in four stages.

`keras.applications.resnet50`: `ResNet50`, `preprocess_input` ("caffe" mode),
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
from neurx.layers.convolutional import Conv2D
from neurx.layers.core import Activation
from neurx.layers.merging import Add
from neurx.layers.normalization import BatchNormalization
from neurx.layers.pooling import MaxPooling2D
from neurx.layers.reshaping import ZeroPadding2D

_HASHES = {  # md5 of Keras's published files: (with top, without top)
    "resnet50": ("2cb95161c43110f7111970584f804107", "4d473c1dd8becc155b73f8504c6f6626"),
}
_EPSILON = 1.001e-5


def _bn(x, name):
    return BatchNormalization(axis=channel_axis(), epsilon=_EPSILON, name=name)(x)


def residual_block(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """A bottleneck block: 1x1 -> kxk -> 1x1 (4 * filters) convolutions plus a shortcut."""
    if conv_shortcut:
        shortcut = Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(shortcut, f"{name}_0_bn")
    else:
        shortcut = x
    x = Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = Activation("relu", name=f"{name}_1_relu")(_bn(x, f"{name}_1_bn"))
    x = Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = Activation("relu", name=f"{name}_2_relu")(_bn(x, f"{name}_2_bn"))
    x = _bn(Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x), f"{name}_3_bn")
    x = Add(name=f"{name}_add")([shortcut, x])
    return Activation("relu", name=f"{name}_out")(x)


def stack(x, filters, blocks, stride1=2, name=None):
    """`blocks` residual blocks; the first has a projection shortcut and `stride1`."""
    x = residual_block(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def _resnet(depths, include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
           pooling=None, classes=1000, classifier_activation="softmax", name="resnet",
           weights_name=None):
    """A ResNet v1 with `depths` blocks in its four stages (conv2 ... conv5)."""
    weights_path = prepare(weights, include_top, classes, classifier_activation, pooling,
                           keras_weight_file(weights_name, "resnet", *_HASHES[weights_name]))
    img_input, inputs = image_inputs(weights, include_top, input_tensor, input_shape,
                                     default_size=224, min_size=32)
    x = ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(img_input)
    x = Conv2D(64, 7, strides=2, name="conv1_conv")(x)
    x = Activation("relu", name="conv1_relu")(_bn(x, "conv1_bn"))
    x = ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths), start=2):
        x = stack(x, filters, blocks, stride1=1 if stage == 2 else 2, name=f"conv{stage}")
    x = pooled_top(x, include_top, pooling, classes, classifier_activation,
                   pool_names=("avg_pool", "max_pool"))
    return finish(inputs, x, name, weights_path)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    """Instantiates ResNet50 (25,636,712 parameters with the top).

    Args:
        include_top: whether to include the classifier (global average pooling and the
            `predictions` layer).
        weights: None (random), "imagenet" (Keras's published file, from the models cache
            or downloaded), or the path of a weight file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: `(height, width, 3)` (at least 32x32) when `include_top=False`;
            with the top it defaults to `(224, 224, 3)`.
        pooling: with `include_top=False`, None (4D output), "avg" or "max".
        classes: the number of classes (with the top; 1000 for ImageNet weights).
        classifier_activation: the top layer's activation ("softmax" or None with weights).
        name: the model's name.

    Inputs are expected to be preprocessed with `resnet50.preprocess_input` ("caffe").

    Example:
    >>> model = ResNet50(weights=None, include_top=False, input_shape=(32, 32, 3),
    ...                  pooling="max")
    >>> model.output_shape, model.layers[-1].name, model.count_params()
    ((None, 2048), 'max_pool', 23587712)
    """
    return _resnet((3, 4, 6, 3), include_top, weights, input_tensor, input_shape, pooling,
                  classes, classifier_activation, name=name, weights_name="resnet50")


def preprocess_input(x, data_format=None):
    """ResNet's preprocessing: RGB -> BGR and ImageNet mean subtraction ("caffe" mode).

    >>> import numpy as np
    >>> preprocess_input(np.full((1, 1, 3), 100.0)).round(2).tolist()
    [[[-3.94, -16.78, -23.68]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
