"""Parity checks of a neurx layer against the real Keras 3 layer (jax backend).

`check_parity` gives both layers the same weights and input, then compares outputs,
gradients (of a weighted sum of the output, for the input and every weight),
symbolic output shapes, and config keys and plain values.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import neurx
from neurx.variables import StatelessScope

RTOL, ATOL = 1e-4, 1e-5


def _neurx_fn(layer, mask=None):
    variables = layer.weights

    def f(weights, x):
        with StatelessScope(dict(zip(variables, weights))):
            return layer(x, mask=mask) if mask is not None else layer(x)
    return f


def _keras_fn(layer, mask=None):
    def f(weights, x):
        extra = {"mask": mask} if mask is not None else {}
        out, _ = layer.stateless_call(weights, [v.value for v in layer.non_trainable_variables],
                                      x, **extra)
        return out
    return f


def check_parity(layer, klayer, x, mask=None, shape=None, rtol=RTOL, atol=ATOL, grads=True):
    """Asserts `layer` (neurx) and `klayer` (Keras) agree on `x`; returns neurx's output.

    With `grads`, the gradients of a random projection of the output for the input and
    every weight agree too (one compiled program per call, so use it where it adds
    coverage); with `shape`, the symbolic output shape for that input shape (no batch)
    equals Keras's `compute_output_shape`.
    """
    x = np.asarray(x, "float32")
    layer(x) if mask is None else layer(x, mask=mask)
    klayer(x) if mask is None else klayer(x, mask=mask)
    rs = np.random.RandomState(7)
    weights = [rs.normal(scale=0.5, size=w.shape).astype("float32") for w in layer.get_weights()]
    assert [w.shape for w in weights] == [tuple(w.shape) for w in klayer.get_weights()], \
        "weight shapes differ from Keras"
    assert [w.name for w in layer.weights] == [w.name for w in klayer.weights], \
        "weight names differ from Keras"
    layer.set_weights(weights)
    klayer.set_weights(weights)
    ours = np.asarray(layer(x) if mask is None else layer(x, mask=mask))
    theirs = np.asarray(klayer(x) if mask is None else klayer(x, mask=mask))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)

    if grads and jnp.issubdtype(ours.dtype, jnp.floating):
        probe = jnp.asarray(rs.normal(size=ours.shape).astype("float32"))
        f_ours, f_theirs = _neurx_fn(layer, mask), _keras_fn(klayer, mask)
        w_ours = [jnp.asarray(w) for w in weights]
        w_theirs = [v.value for v in klayer.trainable_variables]
        def both(w_ours, w_theirs, x):  # one compiled program for both gradients
            def loss(f):
                return lambda w, x: jnp.sum(f(w, x) * probe)
            return (jax.grad(loss(f_ours), argnums=(0, 1))(w_ours, x),
                    jax.grad(loss(f_theirs), argnums=(0, 1))(w_theirs, x))
        g_ours, g_theirs = jax.jit(both)(w_ours, w_theirs, jnp.asarray(x))
        for a, b in zip(jax.tree_util.tree_leaves(g_ours), jax.tree_util.tree_leaves(g_theirs)):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=rtol, atol=atol * 10)

    if shape is not None:
        check_symbolic_shape(type(layer).from_config(layer.get_config()), klayer, shape)
    check_config(layer, klayer)
    return ours


def check_symbolic_shape(layer, klayer, shape):
    """The symbolic output shape equals Keras's `compute_output_shape` (None dims included)."""
    out = layer(neurx.Input(shape=shape))
    assert out.shape == tuple(klayer.compute_output_shape((None,) + tuple(shape)))


def check_config(layer, klayer, differ=()):
    """Same config keys as Keras but `differ` (written by one side only), same plain values,
    and a working round trip."""
    ours, theirs = layer.get_config(), klayer.get_config()
    assert (set(ours) ^ set(theirs)) - {"batch_input_shape"} == set(differ), \
        set(ours) ^ set(theirs)
    for key, value in theirs.items():
        if key in ("name", "dtype") or key in differ or isinstance(value, dict):
            continue
        assert _plain(ours[key]) == _plain(value), (key, ours[key], value)
    clone = type(layer).from_config(ours)
    assert {k: v for k, v in clone.get_config().items() if k != "name"} == \
        {k: v for k, v in ours.items() if k != "name"}


def _plain(value):
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    return value


def keras_layer(name, *args, **kwargs):
    return getattr(keras.layers, name)(*args, **kwargs)


def case(name, args, kwargs, x_shape, symbolic, grads=False):
    """One parametrized parity case: layer class name, its arguments, the input shape, the
    symbolic input shape (batch left out) and whether to compare gradients."""
    return pytest.param(name, args, kwargs, x_shape, symbolic, grads,
                        id=f"{name}-{'-'.join(f'{k}={v}' for k, v in kwargs.items()) or 'default'}")
