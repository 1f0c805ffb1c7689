"""`InputLayer` and `Input()`: where a functional model's data enters."""
from __future__ import annotations

import numpy as np

from neurx import validation
from neurx.layers.layer import Layer
from neurx.naming import did_you_mean
from neurx.symbolic import KerasTensor, Node

_NUMERIC_DTYPES = ("bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                   "uint64", "bfloat16", "float16", "float32", "float64")


def _numeric_dtype(value) -> str:
    """The name of the numeric dtype `value` spells; a TypeError otherwise (text points to
    the lookup layers, which turn it into numbers before the model)."""
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype is not None and dtype.name in _NUMERIC_DTYPES:
        return dtype.name
    if str(value) in ("string", "str", "object") or (dtype is not None and dtype.kind in "OSU"):
        raise TypeError("`dtype` of Input must be numeric: models compute on numbers. "
                        "Turn text into integers before the model with keras.layers."
                        "StringLookup (categories) or TextVectorization (sentences) called "
                        f"on the data, and give the Input dtype='int64'. Received: dtype="
                        f"{value!r}")
    raise TypeError("`dtype` of Input must be a numeric dtype such as 'float32' or "
                    f"'int32'. Received: dtype={value!r}."
                    f"{did_you_mean(str(value), _NUMERIC_DTYPES)}")


class InputLayer(Layer):
    """The layer behind `Input()`; also accepted as the first layer of a Sequential model.

    Example:
    >>> layer = InputLayer(input_shape=(8,))
    >>> layer.output.shape
    (None, 8)
    """

    def __init__(self, input_shape=None, batch_size=None, dtype=None, sparse=None,
                 batch_shape=None, input_tensor=None, name=None, shape=None, **kwargs):
        batch_shape = batch_shape or kwargs.pop("batch_input_shape", None)
        super().__init__(name=name, **{k: v for k, v in kwargs.items() if k != "ragged"})
        shape = shape if shape is not None else input_shape
        if batch_shape is None:
            if shape is None:
                raise ValueError("InputLayer needs `shape` (or `input_shape`, or "
                                 "`batch_shape`). Received none of them.")
            shape = (shape,) if isinstance(shape, (int, np.integer)) else shape
            shape = validation.shape(shape, "shape", "Input")
            batch_shape = (validation.optional_whole_number(batch_size, "batch_size", "Input"),) \
                + shape
        self.batch_shape = validation.shape(batch_shape, "batch_shape", "Input")
        self._input_dtype = "float32" if dtype is None else _numeric_dtype(dtype)
        self.built = True
        self.sparse = bool(sparse)
        tensor = input_tensor if input_tensor is not None else KerasTensor(
            self.batch_shape, self._input_dtype, name=self.name)
        node = Node(self, (), {}, tensor)
        tensor.node, tensor.index = node, 0
        self._inbound_nodes.append(node)

    @property
    def output(self):
        return self._inbound_nodes[0].outputs

    def call(self, inputs):
        return inputs

    def get_config(self) -> dict:
        return {"batch_shape": self.batch_shape, "dtype": self._input_dtype,
                "sparse": self.sparse, "name": self.name}


def Input(shape=None, batch_size=None, dtype=None, sparse=None, batch_shape=None,
          name=None, tensor=None, **kwargs):
    """A symbolic input tensor for the functional API.

    Example:
    >>> x = Input(shape=(5,), name="wide_input")
    >>> x.shape, x.name
    ((None, 5), 'wide_input')
    """
    layer = InputLayer(input_shape=shape, batch_size=batch_size, dtype=dtype, sparse=sparse,
                       batch_shape=batch_shape, name=name, input_tensor=tensor, **kwargs)
    return layer.output
