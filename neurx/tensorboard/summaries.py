"""Summary protocol buffers for TensorBoard's scalar, histogram, image and text plugins.

What this module owns: turning NumPy-convertible data (Python numbers, NumPy
or JAX arrays, `Variable`s) into `tensorboard.compat.proto.summary_pb2.Summary`
messages in the TF 2 ("v2", tensor-based) layout that `tf.summary` writes and
that TensorBoard's plugins read: a scalar is a float32 0-d tensor, a histogram
a float64 `[buckets, 3]` tensor of `(left edge, right edge, count)` rows, an
image summary a string tensor `[width, height, png, png, ...]`, text a string
tensor. Scalars, histograms and text use the TF-free `*_pb` builders that the
`tensorboard` package ships; images are encoded to PNG with Pillow (a
dependency of `tensorboard`).
"""
from __future__ import annotations

import io

import numpy as np

from neurx.tensorboard._deps import tensorboard_module


def to_numpy(data) -> np.ndarray:
    """`data` (number, list, NumPy/JAX array or Variable) as a NumPy array.

    >>> to_numpy(3).tolist()
    3
    """
    value = getattr(data, "value", data)  # a neurx Variable holds its array in `.value`
    return np.asarray(value)


def scalar_summary(tag: str, data, description: str | None = None):
    """A scalar summary (TensorBoard's Scalars tab).

    >>> summary = scalar_summary("epoch_loss", 0.5)
    >>> summary.value[0].tag, summary.value[0].metadata.plugin_data.plugin_name
    ('epoch_loss', 'scalars')
    """
    array = to_numpy(data)
    if array.size != 1:
        raise ValueError(f"A scalar summary needs a single number, but '{tag}' received data "
                         f"of shape {array.shape}. Use histogram() for arrays.")
    scalar_v2 = tensorboard_module("plugins.scalar.summary_v2")
    return scalar_v2.scalar_pb(tag, np.float32(array.reshape(())), description=description)


def histogram_summary(tag: str, data, buckets: int | None = None,
                      description: str | None = None):
    """A histogram summary of all the values of `data` (Histograms and Distributions tabs).

    `buckets` defaults to 30, as in `tf.summary.histogram`.

    >>> summary = histogram_summary("dense/kernel/histogram", [0.0, 1.0, 1.0], buckets=2)
    >>> summary.value[0].tensor.tensor_shape.dim[0].size
    2
    """
    if buckets is not None and (int(buckets) != buckets or buckets < 1):
        raise ValueError(f"`buckets` must be a positive integer. Received: buckets={buckets!r}")
    histogram_v2 = tensorboard_module("plugins.histogram.summary_v2")
    array = to_numpy(data).astype("float64")
    return histogram_v2.histogram_pb(tag, array, buckets=buckets, description=description)


def text_summary(tag: str, data, description: str | None = None):
    """A text summary (Markdown is rendered by the Text tab).

    >>> text_summary("notes", "hello").value[0].tensor.string_val
    [b'hello']
    """
    text_v2 = tensorboard_module("plugins.text.summary_v2")
    if isinstance(data, str):
        data = data.encode("utf-8")
    return text_v2.text_pb(tag, np.asarray(data, dtype=object), description=description)


def _to_uint8_images(images: np.ndarray, tag: str) -> np.ndarray:
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4):
        raise ValueError(
            f"An image summary needs data of shape [k, height, width, channels] with 1, 3 or 4 "
            f"channels, like tf.summary.image. Received data of shape {images.shape} for "
            f"'{tag}'. Add the batch axis with images[None] or the channel axis with "
            "images[..., None].")
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind not in "fiub":
        raise ValueError(f"Image data must be numbers; '{tag}' received dtype {images.dtype}.")
    # As tf.summary.image: floats are taken in [0, 1] and clipped, then scaled to 0..255.
    return (np.clip(images.astype("float64"), 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)


def encode_png(image: np.ndarray) -> bytes:
    """PNG bytes of a `[height, width, channels]` uint8 array (1, 3 or 4 channels).

    >>> encode_png(np.zeros((2, 3, 1), np.uint8))[:4]
    b'\\x89PNG'
    """
    from PIL import Image  # Pillow is a dependency of the tensorboard package

    mode = {1: "L", 3: "RGB", 4: "RGBA"}[image.shape[-1]]
    pixels = image[..., 0] if image.shape[-1] == 1 else image
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(pixels), mode=mode).save(buffer, format="PNG")
    return buffer.getvalue()


def image_summary(tag: str, data, max_outputs: int = 3, description: str | None = None):
    """An image summary of up to `max_outputs` images from `data` `[k, h, w, c]` (Images tab).

    Floats are read in [0, 1] (clipped) and uint8 as is, as `tf.summary.image` does.

    >>> summary = image_summary("weights", np.ones((1, 4, 5, 1)))
    >>> summary.value[0].tensor.string_val[:2]
    [b'5', b'4']
    """
    images = _to_uint8_images(to_numpy(data), tag)[: max(int(max_outputs), 0)]
    summary_pb2 = tensorboard_module("compat.proto.summary_pb2")
    tensor_pb2 = tensorboard_module("compat.proto.tensor_pb2")
    shape_pb2 = tensorboard_module("compat.proto.tensor_shape_pb2")
    types_pb2 = tensorboard_module("compat.proto.types_pb2")
    image_metadata = tensorboard_module("plugins.image.metadata")
    height, width = images.shape[1:3]
    strings = [str(width).encode(), str(height).encode()] + [encode_png(i) for i in images]
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, string_val=strings,
        tensor_shape=shape_pb2.TensorShapeProto(dim=[shape_pb2.TensorShapeProto.Dim(
            size=len(strings))]))
    metadata = image_metadata.create_summary_metadata(display_name=None, description=description)
    summary = summary_pb2.Summary()
    summary.value.add(tag=tag, metadata=metadata, tensor=tensor)
    return summary


def weight_image(weight) -> np.ndarray | None:
    """A weight as a `[k, h, w, 1]` image in [0, 1], or None when it has no 2-D picture.

    Follows Keras's TensorBoard `write_images` layout (a bias is one row, a kernel
    is drawn wider than tall, a conv kernel is one image per input channel) and
    rescales each weight to [0, 1] by its own min and max so the picture shows
    the structure instead of clipped values.

    >>> weight_image(np.arange(6.0).reshape(3, 2)).shape
    (1, 2, 3, 1)
    """
    w = np.squeeze(to_numpy(weight).astype("float64"))
    if w.ndim == 1:
        w = w.reshape(1, w.shape[0], 1, 1)
    elif w.ndim == 2:
        if w.shape[0] > w.shape[1]:
            w = w.T
        w = w.reshape(1, w.shape[0], w.shape[1], 1)
    elif w.ndim == 3:  # channels_last kernel: one image per channel
        w = np.transpose(w, (2, 0, 1))[..., None]
    else:
        return None
    low, high = float(np.min(w)), float(np.max(w))
    return (w - low) / (high - low) if high > low else np.zeros_like(w)
