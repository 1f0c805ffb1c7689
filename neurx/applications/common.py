"""Pieces every application model shares: the argument checks run before building, the
classifier or pooling on top, and the final functional `Model` with its weights loaded.
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


def channel_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def pooled_top(x, include_top, pooling, classes, classifier_activation,
               top_pool_name="avg_pool", pool_names=(None, None)):
    """Global average pooling and the `predictions` layer, or the `pooling` choice."""
    if include_top:
        x = GlobalAveragePooling2D(name=top_pool_name)(x)
        return Dense(classes, activation=classifier_activation, name="predictions")(x)
    if pooling == "avg":
        return GlobalAveragePooling2D(name=pool_names[0])(x)
    if pooling == "max":
        return GlobalMaxPooling2D(name=pool_names[1])(x)
    return x


def finish(inputs, outputs, name, weights_path):
    """The functional model, with the weight file (if any) loaded."""
    model = Model(inputs, outputs, name=name)
    if weights_path is not None:
        load_h5_weights(model, weights_path)
    return model
