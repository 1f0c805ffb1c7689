"""VGG16 (Simonyan & Zisserman, 2015): 13 convolutions in 5 blocks, 3 dense layers.

`keras.applications.vgg16`: `VGG16`, `preprocess_input` ("caffe" mode),
`decode_predictions`.
"""
from __future__ import annotations

from neurx.applications import imagenet_utils
from neurx.applications.common import (
    finish,
    global_pooling,
    image_inputs,
    keras_weight_file,
    prepare,
)
from neurx.layers.convolutional import Conv2D
from neurx.layers.core import Dense, Flatten
from neurx.layers.pooling import MaxPooling2D

_BLOCKS = ((64, 2), (128, 2), (256, 3), (512, 3), (512, 3))


_weight_file = keras_weight_file("vgg16", "vgg16",
                                 "64373286793e3c8b2b4e3219cbf3544b",
                                 "6d6bbae143d832006294945121d1f1fc")


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    """Instantiates the VGG16 model (138,357,544 parameters with the top).

    Args:
        include_top: whether to include the 3 dense layers at the top.
        weights: None (random), "imagenet" (Keras's published file, from the models cache
            or downloaded), or the path of a weight file.
        input_tensor: a symbolic tensor to use as the image input.
        input_shape: `(height, width, 3)` (at least 32x32) when `include_top=False`;
            with the top it must be `(224, 224, 3)`.
        pooling: with `include_top=False`, None (4D output), "avg" or "max".
        classes: the number of classes (with the top; 1000 for ImageNet weights).
        classifier_activation: the top layer's activation ("softmax" or None with weights).
        name: the model's name.

    Inputs are expected to be preprocessed with `vgg16.preprocess_input`.

    Example:
    >>> model = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
    >>> model.output_shape, model.count_params()
    ((None, 1, 1, 512), 14714688)
    """
    weights_path = prepare(weights, include_top, classes, classifier_activation, pooling,
                           _weight_file)
    img_input, inputs = image_inputs(weights, include_top, input_tensor, input_shape,
                                     default_size=224, min_size=32)
    x = img_input
    for block, (filters, convs) in enumerate(_BLOCKS, start=1):
        for i in range(1, convs + 1):
            x = Conv2D(filters, (3, 3), activation="relu", padding="same",
                       name=f"block{block}_conv{i}")(x)
        x = MaxPooling2D((2, 2), strides=(2, 2), name=f"block{block}_pool")(x)
    if include_top:
        x = Flatten(name="flatten")(x)
        x = Dense(4096, activation="relu", name="fc1")(x)
        x = Dense(4096, activation="relu", name="fc2")(x)
        x = Dense(classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = global_pooling(x, pooling)
    return finish(inputs, x, name, weights_path)


def preprocess_input(x, data_format=None):
    """VGG16's preprocessing: RGB -> BGR and ImageNet mean subtraction ("caffe" mode).

    >>> import numpy as np
    >>> preprocess_input(np.full((1, 1, 1, 3), 100.0)).round(2).tolist()
    [[[[-3.94, -16.78, -23.68]]]]
    """
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


decode_predictions = imagenet_utils.decode_predictions
