"""Layers that move, repeat, crop, pad or resize values without weights: `Permute`,
`RepeatVector`, `Cropping1D/2D/3D`, `ZeroPadding1D/2D/3D`, `UpSampling1D/2D/3D`.
(`Reshape` and `Flatten` live in `neurx.layers.core`.)
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from neurx import validation
from neurx.layers.convolutional.arguments import (
    check_input_rank,
    spatial_axes,
    standardize_data_format,
    standardize_tuple,
)
from neurx.layers.shape_checked import ShapeCheckedLayer


def _pairs(value, rank: int, name: str) -> tuple:
    """An int, `rank` ints, or `rank` pairs of ints as `rank` (before, after) pairs.

    >>> _pairs(1, 2, "padding"), _pairs((1, (2, 3)), 2, "padding")
    (((1, 1), (1, 1)), ((1, 1), (2, 3)))
    """
    if isinstance(value, (int, np.integer)):
        value = (value,) * rank
    if not hasattr(value, "__len__") or len(value) != rank:
        raise ValueError(f"`{name}` must be an int, a tuple of {rank} ints, or a tuple of "
                         f"{rank} tuples of 2 ints. Received: {name}={value!r}")
    return tuple(standardize_tuple(v, 2, f"{name}[{i}]", allow_zero=True)
                 for i, v in enumerate(value))


class Permute(ShapeCheckedLayer):
    """Reorders the non-batch axes; `dims` numbers them from 1.

    Example:
    >>> import numpy as np
    >>> Permute((2, 1))(np.zeros((4, 10, 64))).shape
    (4, 64, 10)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = validation.axis(dims, "dims", "Permute")
        if not isinstance(self.dims, tuple) or not self.dims or \
                sorted(self.dims) != list(range(1, len(self.dims) + 1)):
            raise ValueError("Permute `dims` must be a tuple holding a permutation of 1..n "
                             f"(the batch axis is not counted). Received: dims={dims!r}")

    def call(self, inputs):
        self._check_rank(inputs.shape)
        return jnp.transpose(inputs, (0,) + self.dims)

    def compute_output_shape(self, input_shape):
        self._check_rank(input_shape)
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def _check_rank(self, shape):
        if len(shape) != len(self.dims) + 1:
            raise ValueError(
                f"Layer '{self.name}' (Permute) reorders {len(self.dims)} axes "
                f"(dims={self.dims}), so it expects a {len(self.dims) + 1}D input (the batch "
                f"axis included), but received an input of shape {tuple(shape)} "
                f"({len(shape)}D).")

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


class RepeatVector(ShapeCheckedLayer):
    """Repeats a `(batch, features)` input `n` times: `(batch, n, features)`.

    Example:
    >>> import numpy as np
    >>> RepeatVector(3)(np.zeros((2, 32))).shape
    (2, 3, 32)
    """

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
            raise ValueError(f"RepeatVector `n` must be a positive integer. Received: n={n!r}")
        self.n = int(n)

    def call(self, inputs):
        check_input_rank(self, inputs.shape, 1)
        return jnp.repeat(inputs[:, None, :], self.n, axis=1)

    def compute_output_shape(self, input_shape):
        check_input_rank(self, input_shape, 1)
        return (input_shape[0], self.n, input_shape[1])

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class _SpatialLayer(ShapeCheckedLayer):
    """Shared by cropping, padding and upsampling: the rank and the data format (1D layers
    without a `data_format` argument are channels last)."""

    rank = 1
    data_format = "channels_last"

    def _spatial(self):
        return spatial_axes(self.rank, self.data_format)

    def _check(self, shape):
        check_input_rank(self, shape, self.rank, self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        self._check(input_shape)
        out = list(input_shape)
        for i, axis in enumerate(self._spatial()):
            if out[axis] is not None:
                out[axis] = self._new_length(out[axis], i, input_shape)
        return tuple(out)


class _Cropping(_SpatialLayer):
    def call(self, inputs):
        self.checked_output_shape(inputs.shape)
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(self._spatial(), self.cropping):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def _new_length(self, length, i, input_shape):
        if sum(self.cropping[i]) >= length:
            raise ValueError(
                f"Layer '{self.name}' ({type(self).__name__}) cannot crop "
                f"{sum(self.cropping[i])} values from spatial axis {i} of length {length}: "
                f"nothing would be left. Received input of shape {input_shape}, "
                f"cropping={self.cropping}.")
        return length - sum(self.cropping[i])


class Cropping1D(_Cropping):
    """Crops steps from the start and end of sequences.

    Args:
        cropping: an int or a pair `(start, end)` of ints (default `(1, 1)`).

    Example:
    >>> import numpy as np
    >>> Cropping1D((1, 2))(np.zeros((2, 10, 3))).shape
    (2, 7, 3)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = (standardize_tuple(cropping, 2, "cropping", allow_zero=True),)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping[0]}


class Cropping2D(_Cropping):
    """Crops rows and columns from the borders of images.

    Args:
        cropping: an int, 2 ints `(rows, cols)` cropped on both sides, or
            `((top, bottom), (left, right))`.
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> Cropping2D(((2, 2), (4, 4)))(np.zeros((2, 28, 28, 3))).shape
    (2, 24, 20, 3)
    """

    rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = _pairs(cropping, 2, "cropping")

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Cropping3D(_Cropping):
    """Crops the borders of volumes along their three spatial axes.

    Args:
        cropping: an int, 3 ints, or 3 pairs of ints (default `((1, 1), (1, 1), (1, 1))`).
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> Cropping3D()(np.zeros((1, 6, 6, 6, 2))).shape
    (1, 4, 4, 4, 2)
    """

    rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = _pairs(cropping, 3, "cropping")

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class _ZeroPadding(_SpatialLayer):
    def call(self, inputs):
        self.checked_output_shape(inputs.shape)
        pads = [(0, 0)] * inputs.ndim
        for axis, pair in zip(self._spatial(), self.padding):
            pads[axis] = pair
        return jnp.pad(inputs, pads)

    def _new_length(self, length, i, input_shape):
        return length + sum(self.padding[i])

    def get_config(self):
        padding = self.padding[0] if self.rank == 1 else self.padding
        return {**super().get_config(), "padding": padding, "data_format": self.data_format}


class ZeroPadding1D(_ZeroPadding):
    """Adds zeros at the start and end of sequences.

    Args:
        padding: an int or a pair `(start, end)` of ints (default 1).
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> ZeroPadding1D(2)(np.ones((1, 3, 1)))[0, :, 0].tolist()
    [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = (standardize_tuple(padding, 2, "padding", allow_zero=True),)


class ZeroPadding2D(_ZeroPadding):
    """Adds rows and columns of zeros around images.

    Args:
        padding: an int, 2 ints `(rows, cols)` added on both sides, or
            `((top, bottom), (left, right))` (default `(1, 1)`).
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> ZeroPadding2D(((1, 0), (1, 0)))(np.ones((1, 224, 224, 3))).shape
    (1, 225, 225, 3)
    """

    rank = 2

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = _pairs(padding, 2, "padding")


class ZeroPadding3D(_ZeroPadding):
    """Adds zeros around volumes along their three spatial axes.

    Args:
        padding: an int, 3 ints, or 3 pairs of ints (default `((1, 1), (1, 1), (1, 1))`).
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 1))).shape
    (1, 4, 4, 4, 1)
    """

    rank = 3

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = _pairs(padding, 3, "padding")


class _UpSampling(_SpatialLayer):
    interpolation = "nearest"

    def call(self, inputs):
        self.checked_output_shape(inputs.shape)
        if self.interpolation == "nearest":
            for axis, factor in zip(self._spatial(), self.size):
                inputs = jnp.repeat(inputs, factor, axis=axis)
            return inputs
        shape = list(inputs.shape)
        for axis, factor in zip(self._spatial(), self.size):
            shape[axis] *= factor
        return jax.image.resize(inputs, shape, method=self.interpolation, antialias=False)

    def _new_length(self, length, i, input_shape):
        return length * self.size[i]


class UpSampling1D(_UpSampling):
    """Repeats each step of a sequence `size` times.

    Example:
    >>> import numpy as np
    >>> UpSampling1D(2)(np.arange(3.0).reshape(1, 3, 1))[0, :, 0].tolist()
    [0.0, 0.0, 1.0, 1.0, 2.0, 2.0]
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size <= 0:
            raise ValueError("UpSampling1D `size` must be a positive integer. "
                             f"Received: size={size!r}")
        self.size = (int(size),)

    def get_config(self):
        return {**super().get_config(), "size": self.size[0]}


class UpSampling2D(_UpSampling):
    """Upsamples images by `size` along height and width.

    Args:
        size: an int or 2 ints, the factors for rows and columns (default `(2, 2)`).
        data_format: "channels_last" (default) or "channels_first".
        interpolation: "nearest" (repeat values, default), "bilinear", "bicubic",
            "lanczos3" or "lanczos5".

    Example:
    >>> import numpy as np
    >>> UpSampling2D(2)(np.ones((1, 7, 7, 3))).shape
    (1, 14, 14, 3)
    """

    rank = 2
    _METHODS = ("nearest", "bilinear", "bicubic", "lanczos3", "lanczos5")

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = str(interpolation).lower()
        if self.interpolation not in self._METHODS:
            raise ValueError(f"UpSampling2D `interpolation` must be one of {self._METHODS}. "
                             f"Received: interpolation={interpolation!r}")

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class UpSampling3D(_UpSampling):
    """Upsamples volumes by repeating values `size` times along each spatial axis.

    Args:
        size: an int or 3 ints (default `(2, 2, 2)`).
        data_format: "channels_last" (default) or "channels_first".

    Example:
    >>> import numpy as np
    >>> UpSampling3D(2)(np.ones((1, 2, 3, 4, 1))).shape
    (1, 4, 6, 8, 1)
    """

    rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}
