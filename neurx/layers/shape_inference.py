"""Output shapes of a layer call on symbolic tensors, found by tracing the call.

Unknown sizes (`None`) are traced twice with two different stand-in sizes; an
output size that changes with them is unknown too.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx.symbolic import KerasTensor, is_symbolic
from neurx.variables import StatelessScope

_STAND_INS = (83, 89)


def _concrete(tree, size):
    def to_struct(t):
        if not is_symbolic(t):
            return t
        shape = tuple(size if d is None else d for d in t.shape)
        return jax.ShapeDtypeStruct(shape, jnp.dtype(t.dtype))
    return jax.tree_util.tree_map(to_struct, tree, is_leaf=is_symbolic)


def _trace(layer, args, kwargs, size):
    structs = _concrete((args, kwargs), size)
    leaves, treedef = jax.tree_util.tree_flatten(structs)
    is_struct = [isinstance(x, jax.ShapeDtypeStruct) for x in leaves]
    traced = [x for x, s in zip(leaves, is_struct) if s]

    def run(*arrays):
        it = iter(arrays)
        filled = [next(it) if s else x for x, s in zip(leaves, is_struct)]
        call_args, call_kwargs = jax.tree_util.tree_unflatten(treedef, filled)
        with StatelessScope(rng_key=jax.random.key(0)):
            return layer._call_eager(call_args, dict(call_kwargs))

    return jax.eval_shape(run, *traced)


def _with_unknown_sizes(message: str, tree) -> str:
    """`message` with each traced input shape, such as `(83, 4)`, written as the symbolic
    shape it stands in for, `(None, 4)`."""
    for tensor in jax.tree_util.tree_leaves(tree, is_leaf=is_symbolic):
        if is_symbolic(tensor) and None in tensor.shape:
            for size in _STAND_INS:
                stand_in = tuple(size if d is None else d for d in tensor.shape)
                message = message.replace(str(stand_in), str(tuple(tensor.shape)))
    return message


def infer_output_spec(layer, args, kwargs):
    has_unknown = any(d is None for t in jax.tree_util.tree_leaves((args, kwargs), is_leaf=is_symbolic)
                      if is_symbolic(t) for d in t.shape)
    try:
        first = _trace(layer, args, kwargs, _STAND_INS[0])
        second = _trace(layer, args, kwargs, _STAND_INS[1]) if has_unknown else first
    except Exception as error:  # shape errors from user or layer code: say which layer
        message = _with_unknown_sizes(str(error), (args, kwargs))
        if f"'{layer.name}'" in message:   # the layer's own check: it names the layer
            raise ValueError(message) from error
        shapes = jax.tree_util.tree_map(lambda t: t.shape, args[0] if args else None,
                                        is_leaf=is_symbolic)
        raise ValueError(f"Layer '{layer.name}' ({type(layer).__name__}) cannot be "
                         f"called on inputs of shape {shapes}: {message}") from error

    def merge(a, b):
        shape = tuple(x if x == y else None for x, y in zip(a.shape, b.shape))
        return KerasTensor(shape, a.dtype)
    return jax.tree_util.tree_map(merge, first, second)
