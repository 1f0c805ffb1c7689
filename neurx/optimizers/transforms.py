"""The steps every Keras optimizer shares, written with Keras 3's exact formulas.

Gradient clipping (`clipnorm` per variable, `global_clipnorm` over all,
`clipvalue` elementwise), decoupled weight decay and the moving average of the
weights (`use_ema`). Each is a pure function on pytrees; `Optimizer.update`
runs them around the algorithm-specific optax transformation in the order
Keras does: unscale, clip, weight decay, update rule, EMA.

optax has close relatives (`optax.clip_by_global_norm`, `optax.add_decayed_weights`)
whose arithmetic differs slightly (optax divides by the norm, Keras multiplies
by `clip * min(1/norm, 1/clip)`; optax adds decay to the gradient, Keras
subtracts `w * wd * lr` from the weight), so these are spelled out here.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp


def clip_by_norm(grads, clipnorm: float):
    """Rescales each gradient so its own L2 norm is at most `clipnorm` (Keras `clipnorm`).

    >>> [round(float(x), 4) for x in clip_by_norm([jnp.array([3.0, 4.0])], 1.0)[0]]
    [0.6, 0.8]
    """
    def clip(g):
        l2sum = jnp.sum(jnp.square(g), keepdims=True)
        pred = l2sum > 0
        l2norm = jnp.where(pred, jnp.sqrt(jnp.where(pred, l2sum, jnp.ones_like(l2sum))), l2sum)
        return (g * clipnorm) / jnp.maximum(l2norm, clipnorm)
    return jax.tree.map(clip, grads)


def global_norm(grads):
    """The L2 norm of all gradients together.

    >>> float(global_norm([jnp.array([3.0]), jnp.array([4.0])]))
    5.0
    """
    leaves = jax.tree.leaves(grads)
    return jnp.sqrt(jnp.sum(jnp.stack([jnp.sum(jnp.square(g)) for g in leaves])))


def clip_by_global_norm(grads, clipnorm: float):
    """Rescales all gradients together so their joint norm is at most `clipnorm`.

    A non-finite norm turns every gradient into NaN, as in Keras.

    >>> out = clip_by_global_norm([jnp.array([3.0]), jnp.array([4.0])], 1.0)
    >>> [round(float(g[0]), 4) for g in out]
    [0.6, 0.8]
    """
    norm = global_norm(grads)
    scale = clipnorm * jnp.minimum(1.0 / norm, 1.0 / clipnorm) + (norm - norm)
    return jax.tree.map(lambda g: g * scale.astype(g.dtype), grads)


def clip_by_value(grads, clipvalue: float):
    """Clips every gradient element into `[-clipvalue, clipvalue]` (Keras `clipvalue`).

    >>> clip_by_value([jnp.array([-3.0, 0.5, 2.0])], 1.0)[0].tolist()
    [-1.0, 0.5, 1.0]
    """
    return jax.tree.map(lambda g: jnp.clip(g, -clipvalue, clipvalue), grads)


def clip_gradients(grads, clipnorm=None, global_clipnorm=None, clipvalue=None):
    """Applies whichever of Keras's three clipping options is set (at most one).

    >>> clip_gradients([jnp.array([3.0, 4.0])], clipnorm=None)[0].tolist()
    [3.0, 4.0]
    """
    if clipnorm and clipnorm > 0:
        return clip_by_norm(grads, clipnorm)
    if global_clipnorm and global_clipnorm > 0:
        return clip_by_global_norm(grads, global_clipnorm)
    if clipvalue and clipvalue > 0:
        return clip_by_value(grads, clipvalue)
    return grads


def weight_decay_updates(updates, params, weight_decay: float, learning_rate, mask=None):
    """Adds Keras's decoupled weight decay `w -= w * weight_decay * lr` to `updates`.

    `mask` (one bool per leaf of `params`, or None for all) leaves the
    variables excluded by `exclude_from_weight_decay` untouched.

    >>> u = weight_decay_updates([jnp.zeros(1)], [jnp.ones(1)], 0.5, 0.1)
    >>> round(float(u[0][0]), 4)
    -0.05
    """
    leaves_u, treedef = jax.tree.flatten(updates)
    leaves_p = jax.tree.leaves(params)
    mask = [True] * len(leaves_p) if mask is None else list(mask)
    out = []
    for u, p, use in zip(leaves_u, leaves_p, mask):
        if use:
            lr = jnp.asarray(learning_rate).astype(p.dtype)
            u = u - p * jnp.asarray(weight_decay, p.dtype) * lr
        out.append(u)
    return jax.tree.unflatten(treedef, out)


def ema_update(averages, new_params, ema_momentum: float, iteration):
    """The moving average Keras keeps with `use_ema=True`.

    `average = m * average + (1 - m) * weight` with `m = ema_momentum`, except
    on the first step (`iteration == 0`) where the average becomes the weight.

    >>> ema_update([jnp.zeros(1)], [jnp.ones(1)], 0.9, 0)[0].tolist()
    [1.0]
    """
    def one(avg, var):
        not_first = jnp.asarray(iteration != 0).astype(var.dtype)
        momentum = not_first * jnp.asarray(ema_momentum, var.dtype)
        return momentum * avg + (1 - momentum) * var
    return jax.tree.map(one, averages, new_params)


def map_leaves(fn, n_out: int, tree, *others):
    """Like `jax.tree.map` for a `fn` returning `n_out` values: returns `n_out` trees.

    An `other` that is None is passed to `fn` as None for every leaf.

    >>> a, b = map_leaves(lambda x: (x + 1, x * 2), 2, [1.0, 2.0])
    >>> a, b
    ([2.0, 3.0], [2.0, 4.0])
    """
    leaves, treedef = jax.tree.flatten(tree)
    columns = [[None] * len(leaves) if o is None else treedef.flatten_up_to(o) for o in others]
    outs = [fn(*args) for args in zip(leaves, *columns)]
    return tuple(jax.tree.unflatten(treedef, [out[i] for out in outs]) for i in range(n_out))
