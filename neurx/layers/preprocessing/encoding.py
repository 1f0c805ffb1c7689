"""Turning integer indices into one-hot, multi-hot, count or tf-idf vectors.

What it owns: the one encoding rule shared by CategoryEncoding, Discretization
and the lookup layers, written with `jax.numpy` so it runs inside `jit`.
Indices outside `[0, depth)` (including the -1 that marks masked or unknown
entries) encode as all zeros, as with Keras's JAX backend.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def check_output_mode(output_mode, allowed, layer: str) -> str:
    """Keras's aliases (`binary`, `tf-idf`) resolved, then checked against `allowed`.

    >>> check_output_mode("binary", ("multi_hot",), "CategoryEncoding")
    'multi_hot'
    """
    if isinstance(output_mode, str):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
    if not isinstance(output_mode, str) or output_mode not in allowed:
        raise ValueError(f"Unknown value for `output_mode` of {layer}: expected one of "
                         f"{list(allowed)}. Received: output_mode={output_mode!r}")
    return output_mode


def encode_categorical(indices, output_mode: str, depth: int, dtype="float32",
                       count_weights=None, idf_weights=None):
    """Encodes integer `indices` of shape `(batch,)` or `(batch, n)` into vectors of `depth`.

    `one_hot` adds a trailing axis (replacing a trailing axis of size 1);
    `multi_hot` / `count` / `tf_idf` reduce axis 1 (axis 0 for 1-D inputs, which
    are one sample), as Keras does.

    >>> encode_categorical(jnp.array([[0, 2], [1, 1]]), "count", 3).tolist()
    [[1.0, 0.0, 1.0], [0.0, 2.0, 0.0]]
    """
    if output_mode == "int":
        return indices.astype(dtype)
    if indices.ndim == 0:
        indices = indices[None]
    indices = indices.astype("int32")
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = jnp.reshape(indices, indices.shape[:-1])
        return jax.nn.one_hot(indices, depth, dtype=dtype)
    axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return jnp.max(jax.nn.one_hot(indices, depth, dtype=dtype), axis=axis)
    one_hot = jax.nn.one_hot(indices, depth, dtype=dtype)
    if count_weights is not None:
        one_hot = one_hot * jnp.expand_dims(jnp.asarray(count_weights, dtype), -1)
    counts = jnp.sum(one_hot, axis=axis)
    if output_mode == "tf_idf":
        counts = counts * jnp.asarray(idf_weights, dtype)
    return counts


def encoded_shape(input_shape, output_mode: str, depth) -> tuple:
    """The output shape of `encode_categorical` for an input shape (None for unknown).

    >>> encoded_shape((None, 1), "one_hot", 4), encoded_shape((None, 3), "multi_hot", 4)
    ((None, 4), (None, 4))
    """
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) == 1:
        return (depth,)
    return (input_shape[0],) + input_shape[2:] + (depth,)
