"""Symbolic tensors and the nodes that record which layer produced them.

`Input()` returns a `KerasTensor` (a shape with `None` for unknown sizes and a
dtype). Calling a layer on KerasTensors records a `Node`; a functional model
later walks those nodes back from its outputs to its inputs.
"""
from __future__ import annotations

import jax
import numpy as np


class KerasTensor:
    """A placeholder for an array of known dtype and (partly) known shape.

    Example:
    >>> t = KerasTensor((None, 8), "float32", name="features")
    >>> t.shape, t.ndim
    ((None, 8), 2)
    """

    def __init__(self, shape, dtype="float32", name=None, node=None, index=0):
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype).name if str(dtype) != "bfloat16" else "bfloat16"
        self.name = name
        self.node = node          # the Node that produced this tensor (None for Inputs)
        self.index = index        # which of the node's flattened outputs this is

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def __repr__(self):
        name = f", name={self.name}" if self.name else ""
        return f"<KerasTensor shape={self.shape}, dtype={self.dtype}{name}>"

    def __bool__(self):
        raise TypeError("A symbolic KerasTensor has no truth value: it only describes "
                        "a future array. Use it as input to layers or neurx.ops.")

    def __hash__(self):
        return id(self)

    # Operators build op-layer nodes, so `x + y` works on symbolic tensors.
    def __add__(self, o): return _op("add", self, o)
    def __radd__(self, o): return _op("add", o, self)
    def __sub__(self, o): return _op("subtract", self, o)
    def __rsub__(self, o): return _op("subtract", o, self)
    def __mul__(self, o): return _op("multiply", self, o)
    def __rmul__(self, o): return _op("multiply", o, self)
    def __truediv__(self, o): return _op("divide", self, o)
    def __rtruediv__(self, o): return _op("divide", o, self)
    def __matmul__(self, o): return _op("matmul", self, o)
    def __neg__(self): return _op("negative", self)
    def __pow__(self, o): return _op("power", self, o)
    def __getitem__(self, idx): return _op("getitem", self, idx)


# Set by neurx.layers.op_layer, which sits above this module.
op_layer_factory = None


def _op(name, *args):
    return op_layer_factory(name)(*args)


class Node:
    """One call of `layer` on symbolic arguments, with its symbolic outputs."""

    def __init__(self, layer, args, kwargs, outputs):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs
        self.outputs = outputs
        self.flat_outputs = jax.tree_util.tree_leaves(outputs, is_leaf=is_symbolic)
        self.inbound = [t for t in jax.tree_util.tree_leaves((args, kwargs), is_leaf=is_symbolic)
                        if isinstance(t, KerasTensor)]


def is_symbolic(x) -> bool:
    return isinstance(x, KerasTensor)


def any_symbolic(tree) -> bool:
    return any(isinstance(t, KerasTensor)
               for t in jax.tree_util.tree_leaves(tree, is_leaf=is_symbolic))
