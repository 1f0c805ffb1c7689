"""Stochastic gradient descent with Keras's momentum and Nesterov formulas.

Keras keeps a velocity `m = momentum * m - lr * g` and adds it to the weight
(Nesterov: adds `momentum * m - lr * g`). optax's `sgd(momentum=...)` keeps
`m = g + momentum * m` and scales by the learning rate afterwards, which only
matches Keras while the learning rate is constant, so the rule is written out.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from neurx.optimizers.base import Optimizer


class SGDState(NamedTuple):
    """Per-parameter momentum buffers (None when `momentum == 0`)."""
    momentum: Any


def keras_sgd(momentum: float = 0.0, nesterov: bool = False
              ) -> optax.GradientTransformationExtraArgs:
    """Keras's SGD rule as an optax transformation (extra args: `learning_rate`).

    >>> t = keras_sgd(momentum=0.5)
    >>> s = t.init([jnp.zeros(1)])
    >>> u, s = t.update([jnp.ones(1)], s, None, learning_rate=0.1)
    >>> u, s = t.update([jnp.ones(1)], s, None, learning_rate=0.1)
    >>> round(float(u[0][0]), 4)
    -0.15
    """
    def init(params):
        return SGDState(jax.tree.map(jnp.zeros_like, params) if momentum != 0 else None)

    def update(grads, state, params=None, *, learning_rate, **extra):
        def lr(g):
            return jnp.asarray(learning_rate).astype(g.dtype)
        if momentum == 0:
            return jax.tree.map(lambda g: -(g * lr(g)), grads), state

        def velocity(m, g):
            return m * jnp.asarray(momentum, g.dtype) - g * lr(g)
        new_m = jax.tree.map(velocity, state.momentum, grads)
        updates = jax.tree.map(velocity, new_m, grads) if nesterov else new_m
        return updates, SGDState(new_m)

    return optax.GradientTransformationExtraArgs(init, update)


class SGD(Optimizer):
    """Gradient descent (with momentum and Nesterov momentum), Keras 3 defaults.

    Without momentum: `w = w - learning_rate * g`. With momentum:
    `velocity = momentum * velocity - learning_rate * g`, then
    `w = w + velocity` (or `w = w + momentum * velocity - learning_rate * g`
    with `nesterov=True`).

    Args:
        learning_rate: float or schedule, default 0.01.
        momentum: float in [0, 1], default 0.0.
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the common arguments listed on `Optimizer` (`weight_decay`,
            `clipnorm`, `clipvalue`, `global_clipnorm`, `use_ema`, `name`, ...,
            and Keras 2's `lr`, `decay`).

    Example:
    >>> import jax.numpy as jnp
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> params = [jnp.array([1.0])]
    >>> state = opt.init(params)
    >>> updates, state = opt.update([jnp.array([1.0])], state, params)
    >>> round(float(updates[0][0]), 4)
    -0.1
    """

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        if isinstance(momentum, bool) or not isinstance(momentum, (int, float)) \
                or not 0 <= momentum <= 1:
            raise ValueError(f"`momentum` must be a float between [0, 1]. "
                             f"Received: momentum={momentum!r}")
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def transformation(self):
        return keras_sgd(self.momentum, self.nesterov)

    def _slot_groups(self):
        return [("momentum",)] if self.momentum != 0 else []

    def get_config(self) -> dict:
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
