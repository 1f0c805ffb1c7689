"""`ShapeCheckedLayer`: a layer whose symbolic calls check the input shape first.

A symbolic call infers the output by tracing `call` with stand-in sizes for unknown
(`None`) axes. A layer that can say from the shape alone whether an input fits
(convolution, pooling, cropping, ...) runs its `compute_output_shape` on the symbolic
shape before that, so its errors show the shape the user wrote, `None`s included.
"""
from __future__ import annotations

from neurx.layers.layer import Layer
from neurx.layers.memory_checks import check_fits_in_memory


class ShapeCheckedLayer(Layer):
    """Base for layers whose `compute_output_shape` validates the input shape.

    Example:
    >>> import pytest
    >>> from neurx.layers.input_layer import Input
    >>> class Pairs(ShapeCheckedLayer):
    ...     def compute_output_shape(self, input_shape):
    ...         if input_shape[-1] % 2:
    ...             raise ValueError(f"odd last axis in {input_shape}")
    ...         return input_shape[:-1] + (input_shape[-1] // 2, 2)
    ...     def call(self, inputs):
    ...         return inputs.reshape(inputs.shape[:-1] + (-1, 2))
    >>> Pairs()(Input(shape=(4,))).shape
    (None, 2, 2)
    >>> Pairs()(Input(shape=(3,)))
    Traceback (most recent call last):
    ValueError: odd last axis in (None, 3)
    """

    def compute_output_spec(self, inputs, *args, **kwargs):
        self.compute_output_shape(tuple(inputs.shape))
        return super().compute_output_spec(inputs, *args, **kwargs)

    def checked_output_shape(self, input_shape) -> tuple:
        """`compute_output_shape` of a concrete or traced call, refused when the output
        would not fit in memory (`memory_checks.py`), before XLA tries to allocate it."""
        shape = self.compute_output_shape(tuple(input_shape))
        check_fits_in_memory(self, shape, self.compute_dtype, "an output")
        return shape
