"""Pieces every application model shares: the argument checks run before building, the
published weight file's name, the image input, the classifier or pooling on top, and the
final functional `Model` with its weights loaded.
"""
from __future__ import annotations

from neurx import config
from neurx.applications import imagenet_utils
from neurx.applications.weights import load_h5_weights, resolve_weights
from neurx.layers.core import Dense
from neurx.layers.global_pooling import GlobalAveragePooling2D, GlobalMaxPooling2D
from neurx.models.model import Model


def prepare(weights, include_top, classes, classifier_activation, pooling, weight_file):
    """Checks the arguments and finds the weight file before any layer is built.

    `weight_file(include_top)` gives `(file name, URL folder, md5)` of the published file.
    Returns the path to load after building, or None.
    """
    imagenet_utils.validate_weights(weights, include_top, classes)
    if include_top:
        imagenet_utils.validate_activation(classifier_activation, weights)
    if pooling not in (None, "avg", "max"):
        raise ValueError("`pooling` must be None, 'avg' or 'max'. "
                         f"Received: pooling={pooling!r}")
    return resolve_weights(weights, *weight_file(include_top))


def keras_weight_file(stem: str, subfolder: str, top_hash: str, notop_hash: str):
    """The `weight_file` of a model whose files Keras publishes as
    `<stem>_weights_tf_dim_ordering_tf_kernels[_notop].h5`, with their md5s.

    >>> keras_weight_file("vgg16", "vgg16", "abc", "def")(False)
    ('vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5', 'vgg16', 'def')
    """
    def weight_file(include_top):
        suffix = "" if include_top else "_notop"
        return (f"{stem}_weights_tf_dim_ordering_tf_kernels{suffix}.h5", subfolder,
                top_hash if include_top else notop_hash)
    return weight_file


def image_inputs(weights, include_top, input_tensor, input_shape, default_size: int,
                 min_size: int):
    """The image tensor and the model's inputs, `input_shape` checked as Keras checks it."""
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=min_size,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    return imagenet_utils.image_input(input_tensor, input_shape)


def channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def pooled_top(x, include_top, pooling, classes, classifier_activation,
               top_pool_name="avg_pool", pool_names=(None, None)):
    """Global average pooling and the `predictions` layer, or the `pooling` choice."""
    if include_top:
        x = GlobalAveragePooling2D(name=top_pool_name)(x)
        return Dense(classes, activation=classifier_activation, name="predictions")(x)
    return global_pooling(x, pooling, pool_names)


def global_pooling(x, pooling, names=(None, None)):
    """The `pooling` a model without its top ends with: "avg", "max" (layers named
    `names`) or None (`x` as it is)."""
    if pooling == "avg":
        return GlobalAveragePooling2D(name=names[0])(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name=names[1])(x)
    return x


def finish(inputs, outputs, name, weights_path):
    """The functional model, with the weight file (if any) loaded."""
    model = Model(inputs, outputs, name=name)
    if weights_path is not None:
        load_h5_weights(model, weights_path)
    return model
