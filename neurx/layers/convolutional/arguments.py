"""Arguments and shape arithmetic shared by convolution, pooling and reshaping layers.

What it owns: turning `kernel_size=3` into `(3, 3)` (`standardize_tuple`), checking
`padding`, `data_format` and counts (`positive_int`), passing a constructor's arguments on
(`own_arguments`), the output length of a sliding window
(`conv_output_length`, `deconv_output_length`), batch shapes in either data format
(`spatial_shape`, `with_channels`), and the input checks that name the
layer and both shapes when an input does not fit (`check_input_rank`).
"""
from __future__ import annotations

import math

import numpy as np

from neurx import config, validation

_SPATIAL_NAMES = {1: ("steps",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def standardize_tuple(value, n: int, name: str, allow_zero: bool = False) -> tuple:
    """An int or a sequence of `n` ints as a tuple of `n` ints.

    >>> standardize_tuple(3, 2, "kernel_size"), standardize_tuple([1, 2], 2, "strides")
    ((3, 3), (1, 2))
    """
    if _is_whole(value):
        values = (int(value),) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            values = ()
        if isinstance(value, str) or len(values) != n or not all(map(_is_whole, values)):
            raise ValueError(f"The `{name}` argument must be an int or a tuple of {n} ints. "
                             f"Received: {name}={value!r}")
        values = tuple(int(v) for v in values)
    floor = 0 if allow_zero else 1
    if any(v < floor for v in values):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"The `{name}` argument must contain only {kind} ints. "
                         f"Received: {name}={value!r}")
    return values


def _is_whole(value) -> bool:
    return isinstance(value, (int, np.integer, float, np.floating)) and \
        not isinstance(value, bool) and math.isfinite(value) and float(value).is_integer()


def positive_int(layer, name: str, value) -> int:
    """`value` as an int; a ValueError naming `layer`'s class when it is not positive.

    >>> positive_int(object(), "filters", 8)
    8
    """
    return validation.whole_number(value, name, type(layer).__name__)


def own_arguments(local_names: dict) -> dict:
    """A constructor's named arguments, from its `locals()`, to pass on to its base class.

    >>> def init(self, filters, strides=1, **kwargs):
    ...     return own_arguments(locals())
    >>> init(None, 4, name="conv")
    {'filters': 4, 'strides': 1}
    """
    return {k: v for k, v in local_names.items() if k not in ("self", "kwargs", "__class__")}


def standardize_padding(value, allow_causal: bool = False) -> str:
    """'valid', 'same' (or 'causal' where allowed), lower-cased.

    >>> standardize_padding("SAME")
    'same'
    """
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = str(value).lower()
    if padding not in allowed:
        raise ValueError(f"The `padding` argument must be one of {allowed}. "
                         f"Received: padding={value!r}")
    return padding


def standardize_data_format(value) -> str:
    """'channels_last' or 'channels_first'; None means `neurx.config.image_data_format()`.

    >>> standardize_data_format(None)
    'channels_last'
    """
    if value is None:
        return config.image_data_format()
    data_format = str(value).lower()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError("The `data_format` argument must be 'channels_last' or "
                         f"'channels_first'. Received: data_format={value!r}")
    return data_format


def conv_output_length(length, kernel: int, stride: int, padding: str, dilation: int = 1):
    """The output length of a sliding window along one axis (None stays None).

    >>> conv_output_length(28, 3, 1, "valid"), conv_output_length(28, 3, 2, "same")
    (26, 14)
    """
    if length is None:
        return None
    if padding in ("same", "causal"):
        return math.ceil(length / stride)
    span = (kernel - 1) * dilation + 1
    return (length - span) // stride + 1


def deconv_output_length(length, kernel: int, stride: int, padding: str,
                         output_padding=None, dilation: int = 1):
    """The output length of a transposed convolution along one axis (as Keras computes it).

    >>> deconv_output_length(7, 3, 2, "same"), deconv_output_length(7, 3, 2, "valid")
    (14, 15)
    """
    if length is None:
        return None
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return (length - 1) * stride + span + extra
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + span % 2 + output_padding


def transpose_padding(kernel: int, stride: int, padding: str, output_padding=None,
                      dilation: int = 1) -> tuple[int, int]:
    """The (left, right) padding `jax.lax.conv_transpose` needs to give Keras's output length.

    >>> transpose_padding(3, 2, "same"), transpose_padding(3, 2, "valid")
    ((2, 1), (2, 2))
    """
    span = (kernel - 1) * dilation + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        return span - 1, span - 1 + extra
    if output_padding is None:
        total = stride + span - 2
    else:
        total = span + span % 2 - 2 + output_padding
    left = min(total // 2 + total % 2, span - 1)
    return left, total - left


def spatial_axes(rank: int, data_format: str) -> tuple:
    """The spatial axes of a batch with `rank` spatial axes.

    >>> spatial_axes(2, "channels_last"), spatial_axes(2, "channels_first")
    ((1, 2), (2, 3))
    """
    start = 1 if data_format == "channels_last" else 2
    return tuple(range(start, start + rank))


def spatial_shape(shape, data_format: str) -> tuple:
    """The spatial axes of a batch shape.

    >>> spatial_shape((8, 28, 28, 3), "channels_last"), spatial_shape((8, 3, 28), "channels_first")
    ((28, 28), (28,))
    """
    return tuple(shape[1:-1]) if data_format == "channels_last" else tuple(shape[2:])


def channel_count(shape, data_format: str):
    """The channel axis's length of a batch shape (None when unknown)."""
    return shape[-1] if data_format == "channels_last" else shape[1]


def with_channels(batch, spatial, channels, data_format: str) -> tuple:
    """A batch shape from its batch size, spatial axes and channels.

    >>> with_channels(None, (14, 14), 32, "channels_first")
    (None, 32, 14, 14)
    """
    if data_format == "channels_last":
        return (batch,) + tuple(spatial) + (channels,)
    return (batch, channels) + tuple(spatial)


def layout(rank: int, data_format: str) -> str:
    """The expected input layout in words, e.g. '(batch, height, width, channels)'.

    >>> layout(2, "channels_last")
    '(batch, height, width, channels)'
    """
    names = _SPATIAL_NAMES.get(rank, tuple(f"dim{i + 1}" for i in range(rank)))
    if data_format == "channels_last":
        return "(" + ", ".join(("batch",) + names + ("channels",)) + ")"
    return "(" + ", ".join(("batch", "channels") + names) + ")"


def check_input_rank(layer, shape, rank: int, data_format: str | None = None) -> None:
    """Raises a ValueError naming `layer` when `shape` is not a `rank`-D batch of images.

    `rank` counts the spatial axes; the input must have `rank + 2` axes (batch and
    channels added) when `data_format` is given, else `rank + 1` (batch added).
    """
    shape = tuple(shape)
    expected = rank + (2 if data_format is not None else 1)
    if len(shape) == expected:
        return
    where = f"Layer '{layer.name}' ({type(layer).__name__})"
    if data_format is None:
        raise ValueError(f"{where} expects a {expected}D input, but received an input of "
                         f"shape {shape} ({len(shape)}D).")
    hint = ""
    if len(shape) == expected - 1:
        if data_format == "channels_last":
            new_shape = tuple(d for d in shape[1:]) + (1,)
            hint = (f" If the data has a single channel, add a channels axis: "
                    f"`keras.layers.Reshape({new_shape})` before this layer, or "
                    f"`np.expand_dims(x, -1)` on the data.")
        else:
            new_shape = (1,) + tuple(d for d in shape[1:])
            hint = (f" If the data has a single channel, add a channels axis: "
                    f"`keras.layers.Reshape({new_shape})` before this layer, or "
                    f"`np.expand_dims(x, 1)` on the data.")
    raise ValueError(f"{where} expects a {expected}D input {layout(rank, data_format)} "
                     f"(data_format='{data_format}'), but received an input of shape "
                     f"{shape} ({len(shape)}D).{hint}")


def check_output_size(layer, input_shape, window, output_shape, dilation_rate=None) -> None:
    """Raises a ValueError naming `layer` when a (dilated) window does not fit in the input."""
    if any(d is not None and d <= 0 for d in output_shape):
        spans = "" if dilation_rate is None or max(dilation_rate) == 1 else \
            f" dilated by dilation_rate={dilation_rate} (spanning " \
            f"{tuple((k - 1) * d + 1 for k, d in zip(window, dilation_rate))})"
        raise ValueError(
            f"Layer '{layer.name}' ({type(layer).__name__}) computes an empty or negative "
            f"output: its window {window}{spans} is larger than the input. Received input of "
            f"shape {tuple(input_shape)}, which would give output shape "
            f"{tuple(output_shape)}. Use padding='same', a smaller kernel/pool size"
            f"{' or dilation_rate' if spans else ''}, or a larger input.")
