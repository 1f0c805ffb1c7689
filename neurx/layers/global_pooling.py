"""Global pooling layers: the max or mean over every spatial axis
(`GlobalMaxPooling1D/2D/3D`, `GlobalAveragePooling1D/2D/3D`, and Keras's aliases
`GlobalMaxPool*D`, `GlobalAvgPool*D`). `GlobalAveragePooling1D` honours a mask:
masked steps are left out of the mean.
"""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.convolutional.arguments import (
    channel_count,
    check_input_rank,
    spatial_axes,
    standardize_data_format,
    with_channels,
)
from neurx.layers.shape_checked import ShapeCheckedLayer


class BaseGlobalPooling(ShapeCheckedLayer):
    """Base of the global pooling layers; `pool_dimensions` is the number of spatial axes.

    Example:
    >>> import numpy as np
    >>> BaseGlobalPooling(2, keepdims=True)(np.ones((2, 5, 5, 3))).shape
    (2, 1, 1, 3)
    """

    reduce = staticmethod(jnp.mean)

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.pool_dimensions = int(pool_dimensions)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = bool(keepdims)
        self.built = True

    def _axes(self, inputs):
        check_input_rank(self, inputs.shape, self.pool_dimensions, self.data_format)
        return spatial_axes(self.pool_dimensions, self.data_format)

    def call(self, inputs):
        return type(self).reduce(inputs, axis=self._axes(inputs), keepdims=self.keepdims)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        check_input_rank(self, input_shape, self.pool_dimensions, self.data_format)
        ones = (1,) * self.pool_dimensions if self.keepdims else ()
        return with_channels(input_shape[0], ones, channel_count(input_shape, self.data_format),
                             self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(BaseGlobalPooling):
    """The mean over the steps of a sequence; masked steps (e.g. padding) are left out.

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the steps axis with length 1.

    Call arguments: `mask`, a `(batch, steps)` boolean array (usually from `Embedding(...,
    mask_zero=True)` or `Masking`).

    Example:
    >>> import numpy as np
    >>> x = np.array([[[1.0], [3.0], [100.0]]])
    >>> layer = GlobalAveragePooling1D()
    >>> layer(x).tolist(), layer(x, mask=np.array([[True, True, False]])).tolist()
    ([[34.66666793823242]], [[2.0]])
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        axis = self._axes(inputs)[0]
        if mask is None:
            return jnp.mean(inputs, axis=axis, keepdims=self.keepdims)
        weights = jnp.expand_dims(jnp.asarray(mask, bool),
                                  2 if self.data_format == "channels_last" else 1)
        total = jnp.sum(jnp.where(weights, inputs, 0), axis=axis, keepdims=self.keepdims)
        return total / jnp.sum(weights.astype(inputs.dtype), axis=axis, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None


class GlobalAveragePooling2D(BaseGlobalPooling):
    """The mean over the height and width of images: `(batch, h, w, c)` -> `(batch, c)`.

    Args:
        data_format: "channels_last" (default) or "channels_first".
        keepdims: keep the spatial axes with length 1.

    Example:
    >>> import numpy as np
    >>> GlobalAveragePooling2D()(np.ones((2, 7, 7, 64))).shape
    (2, 64)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalAveragePooling3D(BaseGlobalPooling):
    """The mean over the three spatial axes of volumes.

    Args: `data_format`, `keepdims`, as `GlobalAveragePooling2D`.

    Example:
    >>> import numpy as np
    >>> GlobalAveragePooling3D(keepdims=True)(np.ones((2, 3, 4, 5, 6))).shape
    (2, 1, 1, 1, 6)
    """

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling1D(BaseGlobalPooling):
    """The max over the steps of a sequence.

    Args: `data_format`, `keepdims`, as `GlobalAveragePooling1D`.

    Example:
    >>> import numpy as np
    >>> GlobalMaxPooling1D()(np.array([[[1.0], [3.0], [2.0]]])).tolist()
    [[3.0]]
    """

    reduce = staticmethod(jnp.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(1, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling2D(BaseGlobalPooling):
    """The max over the height and width of images.

    Args: `data_format`, `keepdims`, as `GlobalAveragePooling2D`.

    Example:
    >>> import numpy as np
    >>> GlobalMaxPooling2D(data_format="channels_first")(np.ones((2, 3, 8, 8))).shape
    (2, 3)
    """

    reduce = staticmethod(jnp.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(2, data_format=data_format, keepdims=keepdims, **kwargs)


class GlobalMaxPooling3D(BaseGlobalPooling):
    """The max over the three spatial axes of volumes.

    Args: `data_format`, `keepdims`, as `GlobalAveragePooling2D`.

    Example:
    >>> import numpy as np
    >>> GlobalMaxPooling3D()(np.ones((2, 3, 4, 5, 6))).shape
    (2, 6)
    """

    reduce = staticmethod(jnp.max)

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (
    GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAveragePooling3D)
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = (
    GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D)
