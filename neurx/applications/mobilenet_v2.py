"""MobileNetV2 (Sandler et al., 2018): inverted residual blocks with linear bottlenecks.

`keras.applications.mobilenet_v2`: `MobileNetV2`, `preprocess_input` ("tf" mode),
`decode_predictions`. The ReLU6 activations are `Activation("relu6")` layers with
Keras's names (Keras uses `ReLU(6.0)` layers; the computation is the same).
"""
from __future__ import annotations

import warnings

from neurx import config
from neurx.applications import imagenet_utils
from neurx.applications.common import channel_axis, finish, pooled_top, prepare
from neurx.layers.convolutional import Conv2D, DepthwiseConv2D
from neurx.layers.core import Activation
from neurx.layers.merging import Add
from neurx.layers.normalization import BatchNormalization
from neurx.layers.reshaping import ZeroPadding2D
from neurx.symbolic import KerasTensor

_ALPHAS = (0.35, 0.50, 0.75, 1.0, 1.3, 1.4)
_SIZES = (96, 128, 160, 192, 224)
# (filters, stride, expansion) of blocks 0..16
_BLOCKS = ((16, 1, 1), (24, 2, 6), (24, 1, 6), (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6), (96, 1, 6), (96, 1, 6),
           (96, 1, 6), (160, 2, 6), (160, 1, 6), (160, 1, 6), (320, 1, 6))


def _make_divisible(v, divisor=8, min_value=None):
    """Rounds a channel count to a multiple of `divisor`, not below 90% of `v`."""
    min_value = divisor if min_value is None else min_value
    new_v = max(min_value, int(v + divisor / 2) // divisor * divisor)
    return new_v + divisor if new_v < 0.9 * v else new_v


def _bn(x, name):
    return BatchNormalization(axis=channel_axis(), epsilon=1e-3, momentum=0.999, name=name)(x)


def _relu6(x, name):
    return Activation("relu6", name=name)(x)


def _inverted_res_block(inputs, expansion, stride, alpha, filters, block_id):
    in_channels = inputs.shape[channel_axis()]
    pointwise_filters = _make_divisible(int(filters * alpha), 8)
    x = inputs
    prefix = f"block_{block_id}_"
    if block_id:
        x = Conv2D(expansion * in_channels, kernel_size=1, padding="same", use_bias=False,
                   name=f"{prefix}expand")(x)
        x = _relu6(_bn(x, f"{prefix}expand_BN"), f"{prefix}expand_relu")
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = ZeroPadding2D(padding=imagenet_utils.correct_pad(x, 3), name=f"{prefix}pad")(x)
    x = DepthwiseConv2D(kernel_size=3, strides=stride, use_bias=False,
                        padding="same" if stride == 1 else "valid",
                        name=f"{prefix}depthwise")(x)
    x = _relu6(_bn(x, f"{prefix}depthwise_BN"), f"{prefix}depthwise_relu")
    x = Conv2D(pointwise_filters, kernel_size=1, padding="same", use_bias=False,
               name=f"{prefix}project")(x)
    x = _bn(x, f"{prefix}project_BN")
    if in_channels == pointwise_filters and stride == 1:
        return Add(name=f"{prefix}add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor) -> int:
    """The square size in Keras's list (96 ... 224) the shape or tensor has, else 224."""
    first = config.image_data_format() == "channels_first"
    if input_shape is not None:
        rows, cols = (input_shape[1], input_shape[2]) if first else input_shape[:2]
    elif isinstance(input_tensor, KerasTensor):
        rows, cols = input_tensor.shape[2:4] if first else input_tensor.shape[1:3]
    else:
        return 224
    return rows if rows == cols and rows in _SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=None):
    """Instantiates MobileNetV2 (3,538,984 parameters with the top and alpha=1.0).

    Args:
        input_shape: `(height, width, 3)` (at least 32x32); ImageNet weights exist for
            square 96, 128, 160, 192 and 224 inputs (default 224).
        alpha: the width multiplier (filters per layer scale with it); ImageNet weights
            exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4.
        include_top: whether to include the classifier (global average pooling and the
            `predictions` layer).
        weights: None (random), "imagenet" (Keras's published file, from the models cache
            or downloaded), or the path of a weight file.
        input_tensor: a symbolic tensor to use as the image input.
        pooling: with `include_top=False`, None (4D output), "avg" or "max".
        classes: the number of classes (with the top; 1000 for ImageNet weights).
        classifier_activation: the top layer's activation ("softmax" or None with weights).
        name: the model's name; default `mobilenetv2_<alpha>_<rows>`.

    Inputs are expected to be preprocessed with `mobilenet_v2.preprocess_input` ([-1, 1]).

    Example:
    >>> model = MobileNetV2(input_shape=(96, 96, 3), alpha=0.35, weights=None, classes=10)
    >>> model.name, model.output_shape, model.count_params()
    ('mobilenetv2_0.35_96', (None, 10), 423018)
    """
    if weights == "imagenet" and alpha not in _ALPHAS:
        raise ValueError(f"ImageNet weights exist only for alpha in {_ALPHAS}. "
                         f"Received: alpha={alpha}")
    default_size = _default_size(input_shape, input_tensor)
    first = config.image_data_format() == "channels_first"
    checked = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    rows, cols = (checked[1], checked[2]) if first else checked[:2]
    if weights == "imagenet" and (rows != cols or rows not in _SIZES):
        rows = 224
        warnings.warn("`input_shape` is undefined or non-square, or `rows` is not in "
                      "[96, 128, 160, 192, 224]. Weights for input shape (224, 224) will be "
                      "loaded as the default.", stacklevel=2)

    def weight_file(top):
        suffix = "" if top else "_no_top"
        return (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                f"{suffix}.h5", "mobilenet_v2", None)

    weights_path = prepare(weights, include_top, classes, classifier_activation, pooling,
                           weight_file)
    img_input, inputs = imagenet_utils.image_input(input_tensor, checked)

    x = Conv2D(_make_divisible(32 * alpha, 8), kernel_size=3, strides=(2, 2), padding="same",
               use_bias=False, name="Conv1")(img_input)
    x = _relu6(_bn(x, "bn_Conv1"), "Conv1_relu")
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_res_block(x, filters=filters, alpha=alpha, stride=stride,
                                expansion=expansion, block_id=block_id)
    last_filters = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = Conv2D(last_filters, kernel_size=1, use_bias=False, name="Conv_1")(x)
    x = _relu6(_bn(x, "Conv_1_bn"), "out_relu")
    x = pooled_top(x, include_top, pooling, classes, classifier_activation,
                   top_pool_name=None)
    name = name if name is not None else f"mobilenetv2_{alpha:0.2f}_{rows}"
    return finish(inputs, x, name, weights_path)


def preprocess_input(x, data_format=None):
    """MobileNetV2's preprocessing: scales pixels from [0, 255] to [-1, 1] ("tf" mode).

    >>> import numpy as np
    >>> preprocess_input(np.array([255.0])).tolist()
    [1.0]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="tf")


decode_predictions = imagenet_utils.decode_predictions
