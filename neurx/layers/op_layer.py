"""Operations written on symbolic tensors (`x + y`, `x[:, 0]`) become op layers in the graph."""
from __future__ import annotations

import operator

import jax.numpy as jnp

from neurx import symbolic
from neurx.layers.layer import Layer

_OPS = {"add": operator.add, "subtract": operator.sub, "multiply": operator.mul,
        "divide": operator.truediv, "matmul": operator.matmul, "negative": operator.neg,
        "power": operator.pow, "getitem": operator.getitem}


class OpLayer(Layer):
    """A layer that applies one arithmetic operation to its arguments.

    >>> import numpy as np
    >>> OpLayer("add")(np.ones(2), np.ones(2)).tolist()
    [2.0, 2.0]
    """

    def __init__(self, op_name, **kwargs):
        super().__init__(**kwargs)
        self.op_name = op_name
        self.built = True

    def call(self, *args):
        args = [jnp.asarray(a) if not hasattr(a, "shape") and not isinstance(a, (slice, tuple, int))
                else a for a in args]
        return _OPS[self.op_name](*args)

    def get_config(self):
        return {**super().get_config(), "op_name": self.op_name}


symbolic.op_layer_factory = OpLayer
