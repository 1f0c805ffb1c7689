"""Layers that merge several inputs: Concatenate, Add, Subtract, Multiply, Average,
Maximum, Minimum, Dot, and their function forms (`concatenate`, `add`, ...)."""
from __future__ import annotations

import functools

import jax
import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer


def check_list_of_shapes(layer, input_shape):
    if not isinstance(input_shape, (list, tuple)) or not input_shape or \
            not isinstance(input_shape[0], (list, tuple)):
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) must be called on a "
                         f"list of inputs. Received input_shape={input_shape}")


class Merge(Layer):
    """Base of the elementwise merges: checks the inputs, then folds them with `_merge`."""

    expects_two = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        check_list_of_shapes(self, input_shape)
        if self.expects_two and len(input_shape) != 2:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) takes exactly 2 "
                             f"inputs. Received {len(input_shape)} inputs.")

    def call(self, inputs):
        shapes = [tuple(x.shape[1:]) for x in inputs]
        try:
            jnp.broadcast_shapes(*shapes)
        except ValueError:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) needs inputs of "
                             f"matching shapes. Received shapes {[tuple(x.shape) for x in inputs]}") from None
        return functools.reduce(self._merge, inputs[1:], inputs[0])

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)):
            return None
        masks = [m for m in mask if m is not None]
        return functools.reduce(jnp.logical_and, masks) if masks else None


class Add(Merge):
    """Sums its inputs. `Add()([x1, x2])` or `add([x1, x2])`.

    >>> import numpy as np
    >>> Add()([np.ones((1, 2)), np.ones((1, 2))]).tolist()
    [[2.0, 2.0]]
    """
    _merge = staticmethod(jnp.add)


class Subtract(Merge):
    """`inputs[0] - inputs[1]`.

    >>> import numpy as np
    >>> Subtract()([np.ones((1, 2)), np.ones((1, 2))]).tolist()
    [[0.0, 0.0]]
    """
    expects_two = True
    _merge = staticmethod(jnp.subtract)


class Multiply(Merge):
    """Elementwise product of its inputs.

    >>> import numpy as np
    >>> Multiply()([np.full((1, 2), 2.0), np.full((1, 2), 3.0)]).tolist()
    [[6.0, 6.0]]
    """
    _merge = staticmethod(jnp.multiply)


class Average(Merge):
    """Elementwise mean of its inputs.

    >>> import numpy as np
    >>> Average()([np.zeros((1, 2)), np.full((1, 2), 2.0)]).tolist()
    [[1.0, 1.0]]
    """
    _merge = staticmethod(jnp.add)

    def call(self, inputs):
        return super().call(inputs) / len(inputs)


class Maximum(Merge):
    """Elementwise maximum of its inputs.

    >>> import numpy as np
    >>> Maximum()([np.zeros((1, 2)), np.ones((1, 2))]).tolist()
    [[1.0, 1.0]]
    """
    _merge = staticmethod(jnp.maximum)


class Minimum(Merge):
    """Elementwise minimum of its inputs.

    >>> import numpy as np
    >>> Minimum()([np.zeros((1, 2)), np.ones((1, 2))]).tolist()
    [[0.0, 0.0]]
    """
    _merge = staticmethod(jnp.minimum)


class Concatenate(Layer):
    """Concatenates its inputs along `axis` (default -1).

    >>> import numpy as np
    >>> Concatenate()([np.zeros((2, 5)), np.zeros((2, 30))]).shape
    (2, 35)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = validation.whole_number(axis, "axis", "Concatenate", minimum=None)
        self.supports_masking = True

    def build(self, input_shape):
        check_list_of_shapes(self, input_shape)
        self._check_shapes([tuple(shape) for shape in input_shape])

    def _check_shapes(self, shapes):
        """Same rank, and equal sizes off the concat axis where both are known (None is
        unknown: the batch size of symbolic inputs)."""
        ranks = {len(shape) for shape in shapes}
        axis = self.axis % max(ranks)
        columns = zip(*[[d for i, d in enumerate(shape) if i != axis] for shape in shapes]) \
            if len(ranks) == 1 else []
        if len(ranks) != 1 or any(len({d for d in column if d is not None}) > 1
                                  for column in columns):
            raise ValueError(
                f"Layer '{self.name}' (Concatenate) needs inputs with matching shapes except "
                f"on the concat axis ({self.axis}). Received shapes {shapes}")

    def call(self, inputs):
        self._check_shapes([tuple(x.shape) for x in inputs])
        return jnp.concatenate(inputs, axis=self.axis)

    def compute_mask(self, inputs, mask=None):
        if mask is None or not isinstance(mask, (list, tuple)) or all(m is None for m in mask):
            return None
        masks = [jnp.ones(x.shape[:-1], bool) if m is None else m for x, m in zip(inputs, mask)]
        return functools.reduce(jnp.logical_and, masks)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Layer):
    """Dot product between two tensors along `axes` (optionally L2-normalised: cosine).

    >>> import numpy as np
    >>> Dot(axes=1)([np.ones((2, 3)), np.ones((2, 3))]).tolist()
    [[3.0], [3.0]]
    """

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        pair = axes if isinstance(axes, (list, tuple)) else (axes, axes)
        if len(pair) != 2:
            raise ValueError("`axes` of Dot must be an integer or a pair of integers (one "
                             f"axis of each input). Received: axes={axes!r}")
        for axis in pair:
            validation.whole_number(axis, "axes", "Dot", minimum=None)
        self.axes = axes
        self.normalize = bool(normalize)

    def call(self, inputs):
        x, y = inputs
        axes = self.axes if isinstance(self.axes, (list, tuple)) else (self.axes, self.axes)
        axes = [validation.axes_of_input(a, ndim, "axes", f"Dot layer '{self.name}'")[0]
                for a, ndim in ((axes[0], x.ndim), (axes[1], y.ndim))]
        if x.shape[axes[0]] != y.shape[axes[1]]:
            raise ValueError(
                f"Layer '{self.name}' (Dot) multiplies axis {axes[0]} of its first input with "
                f"axis {axes[1]} of its second, which must have the same size. Received "
                f"shapes {tuple(x.shape)} and {tuple(y.shape)} (axes={self.axes}).")
        if self.normalize:
            x = x / jnp.maximum(jnp.linalg.norm(x, axis=axes[0], keepdims=True), 1e-12)
            y = y / jnp.maximum(jnp.linalg.norm(y, axis=axes[1], keepdims=True), 1e-12)
        out = jax.vmap(lambda a, b: jnp.tensordot(a, b, axes=(axes[0] - 1, axes[1] - 1)))(x, y)
        return out.reshape(out.shape + (1,)) if out.ndim == 1 else out

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def _merge_function(layer_class):
    def merge(inputs, **kwargs):
        return layer_class(**kwargs)(inputs)
    merge.__name__ = layer_class.__name__.lower()
    merge.__doc__ = f"Functional form of `{layer_class.__name__}`: `{merge.__name__}(inputs, **kwargs)`."
    return merge


add = _merge_function(Add)
subtract = _merge_function(Subtract)
multiply = _merge_function(Multiply)
average = _merge_function(Average)
maximum = _merge_function(Maximum)
minimum = _merge_function(Minimum)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`.

    >>> import numpy as np
    >>> concatenate([np.zeros((2, 5)), np.zeros((2, 6))]).shape
    (2, 11)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize=False, **kwargs):
    """Functional form of `Dot`."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)
