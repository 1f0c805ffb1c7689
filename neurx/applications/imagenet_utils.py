"""What the ImageNet models share (`keras.applications.imagenet_utils`): input
preprocessing in the three styles the published weights expect (`preprocess_input`
with mode "caffe", "tf" or "torch"), turning 1000-class predictions into labels
(`decode_predictions`, with the class index file fetched once into the models cache),
and the argument checks every model runs (`obtain_input_shape`, `validate_weights`,
`validate_activation`, `image_input`, `correct_pad`).
"""
from __future__ import annotations

import json
import os

import jax.numpy as jnp
import numpy as np

from neurx import activations, config
from neurx.layers.input_layer import Input, InputLayer
from neurx.support.file_utils import get_file
from neurx.symbolic import KerasTensor

CLASS_INDEX_PATH = ("https://storage.googleapis.com/download.tensorflow.org/"
                    "data/imagenet_class_index.json")
CLASS_INDEX_HASH = "c2c37ea517e94d9795004a39431a14cb"
_class_index = None

_CAFFE_MEAN = (103.939, 116.779, 123.68)  # BGR
_TORCH_MEAN, _TORCH_STD = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)


def preprocess_input(x, data_format=None, mode="caffe"):
    """Prepares images with values in [0, 255] the way a model's ImageNet weights expect.

    Modes: "caffe" (RGB -> BGR, then subtract the ImageNet channel means; VGG, ResNet),
    "tf" (scale to [-1, 1]; Xception, InceptionV3, MobileNetV2), "torch" (scale to [0, 1],
    then normalize each channel with ImageNet's mean and standard deviation). Works on a
    single image (3D) or a batch (4D), channels last or first. A float NumPy array is
    modified in place and returned (as Keras does); integers are converted to float32.

    Example:
    >>> import numpy as np
    >>> preprocess_input(np.array([[[0.0, 127.5, 255.0]]]), mode="tf").tolist()
    [[[-1.0, 0.0, 1.0]]]
    >>> preprocess_input(np.array([[[10.0, 20.0, 30.0]]]), mode="caffe").round(3).tolist()
    [[[-73.939, -96.779, -113.68]]]
    """
    if mode not in ("caffe", "tf", "torch"):
        raise ValueError("preprocess_input `mode` must be one of 'caffe', 'tf' or 'torch'. "
                         f"Received: mode={mode!r}")
    data_format = data_format or config.image_data_format()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError("preprocess_input `data_format` must be 'channels_first' or "
                         f"'channels_last'. Received: data_format={data_format!r}")
    if isinstance(x, np.ndarray):
        if not np.issubdtype(x.dtype, np.floating):
            x = x.astype(config.floatx())
        return _preprocess(x, data_format, mode, np)
    return _preprocess(jnp.asarray(x, dtype=jnp.result_type(x, jnp.float32)), data_format,
                       mode, jnp)


def _preprocess(x, data_format, mode, xp):
    if mode == "tf":
        return _inplace(x, x / 127.5 - 1.0, xp)
    channel_axis = -1 if data_format == "channels_last" or x.ndim < 3 else x.ndim - 3
    shape = [1] * x.ndim
    shape[channel_axis] = 3
    if mode == "torch":
        mean = np.reshape(_TORCH_MEAN, shape).astype(x.dtype)
        std = np.reshape(_TORCH_STD, shape).astype(x.dtype)
        return _inplace(x, (x / 255.0 - mean) / std, xp)
    bgr = xp.flip(x, axis=channel_axis)
    return _inplace(x, bgr - np.reshape(_CAFFE_MEAN, shape).astype(x.dtype), xp)


def _inplace(x, value, xp):
    if xp is np:
        x[...] = value
        return x
    return value


def _load_class_index() -> dict:
    global _class_index
    if _class_index is None:
        path = get_file("imagenet_class_index.json", CLASS_INDEX_PATH, cache_subdir="models",
                        file_hash=CLASS_INDEX_HASH)
        with open(path) as f:
            _class_index = json.load(f)
    return _class_index


def decode_predictions(preds, top=5):
    """The `top` ImageNet classes of each prediction, as `(class_id, name, score)` tuples.

    The class index (`imagenet_class_index.json`) is read from the models cache
    (`$NEURX_HOME/models`, `~/.neurx/models`, or `~/.keras/models`), downloaded from
    Keras's published URL the first time; offline, the error names the file and the
    folder to put it in.

    Args:
        preds: an array of shape `(samples, 1000)`.
        top: how many classes to return per sample.

    Example (the class index below is a stand-in for the real file):
    >>> import numpy as np
    >>> from neurx.applications import imagenet_utils
    >>> imagenet_utils._class_index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    >>> preds = np.zeros((1, 1000)); preds[0, 7] = 0.9; preds[0, 3] = 0.1
    >>> [(wnid, name, round(float(p), 2)) for wnid, name, p in decode_predictions(preds, top=2)[0]]
    [('n00000007', 'class_7', 0.9), ('n00000003', 'class_3', 0.1)]
    >>> imagenet_utils._class_index = None
    """
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError("decode_predictions expects a batch of ImageNet predictions (a 2D "
                         f"array of shape (samples, 1000)). Received an array of shape "
                         f"{preds.shape}.")
    index = _load_class_index()
    results = []
    for pred in preds:
        best = pred.argsort()[-top:][::-1]
        result = [tuple(index[str(i)]) + (pred[i],) for i in best]
        result.sort(key=lambda item: item[2], reverse=True)
        results.append(result)
    return results


def validate_weights(weights, include_top: bool, classes: int) -> None:
    """Checks `weights` (None, 'imagenet' or an existing file) and `classes` against it."""
    if not (weights in (None, "imagenet") or (isinstance(weights, (str, os.PathLike))
                                               and os.path.exists(weights))):
        raise ValueError("The `weights` argument should be None (random initialization), "
                         "'imagenet' (pre-training on ImageNet), or the path to an existing "
                         f"weights file. Received: weights={weights!r}")
    if weights == "imagenet" and include_top and classes != 1000:
        raise ValueError("With weights='imagenet' and include_top=True, `classes` must be "
                         f"1000 (the ImageNet classes). Received: classes={classes}")


def validate_activation(classifier_activation, weights) -> None:
    """With pretrained weights only `softmax` or `None` (logits) fit the classifier."""
    if weights is None:
        return
    activation = activations.get(classifier_activation)
    if activation not in (activations.get("softmax"), activations.get(None)):
        raise ValueError("With pretrained weights and include_top=True, "
                         "`classifier_activation` must be 'softmax' or None. Received: "
                         f"classifier_activation={classifier_activation!r}")


def obtain_input_shape(input_shape, default_size: int, min_size: int, data_format: str,
                       require_flatten: bool, weights=None):
    """The model's input shape (without the batch axis), checked as Keras checks it.

    >>> obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False)
    (None, None, 3)
    >>> obtain_input_shape(None, 299, 71, "channels_last", require_flatten=True)
    (299, 299, 3)
    """
    first = data_format == "channels_first"
    if input_shape is not None:
        input_shape = tuple(input_shape)
    if weights != "imagenet" and input_shape and len(input_shape) == 3:
        channels = input_shape[0] if first else input_shape[-1]
        default_shape = (channels, default_size, default_size) if first else \
            (default_size, default_size, channels)
    else:
        default_shape = (3, default_size, default_size) if first else \
            (default_size, default_size, 3)
    if weights == "imagenet" and require_flatten:
        if input_shape is not None and input_shape != default_shape:
            raise ValueError("With include_top=True and weights='imagenet', `input_shape` "
                             f"must be {default_shape}. Received: input_shape={input_shape}")
        return default_shape
    if input_shape:
        if len(input_shape) != 3:
            raise ValueError("`input_shape` must be a tuple of three integers (height, width, "
                             f"channels). Received: input_shape={input_shape}")
        channels = input_shape[0] if first else input_shape[-1]
        if weights == "imagenet" and channels != 3:
            raise ValueError("With weights='imagenet' the input must have 3 channels. "
                             f"Received: input_shape={input_shape}")
        spatial = input_shape[1:] if first else input_shape[:2]
        if any(d is not None and d < min_size for d in spatial):
            raise ValueError(f"Input size must be at least {min_size}x{min_size}. "
                             f"Received: input_shape={input_shape}")
    else:
        input_shape = default_shape if require_flatten else (
            (3, None, None) if first else (None, None, 3))
    if require_flatten and None in input_shape:
        raise ValueError("With include_top=True the input size must be known: give a static "
                         f"`input_shape`. Received: input_shape={input_shape}")
    return input_shape


def image_input(input_tensor, input_shape):
    """`(image tensor, model inputs)`: a new `Input`, or `input_tensor` and its sources."""
    if input_tensor is None:
        inputs = Input(shape=input_shape)
        return inputs, inputs
    if not isinstance(input_tensor, KerasTensor):
        raise ValueError("`input_tensor` must be a symbolic tensor from `keras.Input()` (or a "
                         f"layer output). Received: {type(input_tensor).__name__}")
    return input_tensor, source_inputs(input_tensor)


def source_inputs(tensor):
    """The `Input` tensors a symbolic tensor is computed from (one tensor if only one).

    >>> x = Input(shape=(4,))
    >>> source_inputs(x) is x
    True
    """
    found, seen = [], set()

    def visit(t):
        node = t.node
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        if isinstance(node.layer, InputLayer):
            found.append(t)
        for inbound in node.inbound:
            visit(inbound)

    visit(tensor)
    return found[0] if len(found) == 1 else found


def correct_pad(inputs, kernel_size):
    """The `ZeroPadding2D` padding that makes a strided 'valid' convolution act like 'same'.

    >>> correct_pad(Input(shape=(224, 224, 3)), 3)
    ((0, 1), (0, 1))
    """
    first = config.image_data_format() == "channels_first"
    size = inputs.shape[2:4] if first else inputs.shape[1:3]
    kernel = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    adjust = (1, 1) if size[0] is None else (1 - size[0] % 2, 1 - size[1] % 2)
    correct = (kernel[0] // 2, kernel[1] // 2)
    return (correct[0] - adjust[0], correct[0]), (correct[1] - adjust[1], correct[1])
