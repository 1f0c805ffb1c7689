"""The Adam family: Adam (and AMSGrad), AdamW, Adamax and Nadam, as Keras 3 computes them.

Keras folds the bias corrections into the step size,
`alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t)`, and adds `epsilon` to
`sqrt(v)` *uncorrected*; optax's `adam` corrects `m` and `v` separately and adds
`eps` to `sqrt(v_hat)`, which differs when `v` is small. Nadam uses Keras's
momentum-cache schedule `u_t = beta_1 * (1 - 0.5 * 0.96^t)`. So each rule is a
small custom optax transformation taking `learning_rate` and `iteration` (the
number of steps already applied) as extra arguments.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from neurx import validation
from neurx.optimizers.base import Optimizer
from neurx.optimizers.transforms import map_leaves


def _zeros(params):
    return jax.tree.map(jnp.zeros_like, params)


def _lr(learning_rate, g):
    return jnp.asarray(learning_rate).astype(g.dtype)


def _step(iteration, dtype, offset=1):
    return (jnp.asarray(iteration) + offset).astype(dtype)


class AdamState(NamedTuple):
    momentum: Any
    velocity: Any
    velocity_hat: Any  # None unless amsgrad


def keras_adam(beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False
               ) -> optax.GradientTransformationExtraArgs:
    """Keras's Adam rule (extra args: `learning_rate`, `iteration`).

    >>> t = keras_adam()
    >>> u, _ = t.update([jnp.ones(1)], t.init([jnp.zeros(1)]), None,
    ...                 learning_rate=0.001, iteration=0)
    >>> round(float(u[0][0]), 6)
    -0.001
    """
    def init(params):
        return AdamState(_zeros(params), _zeros(params), _zeros(params) if amsgrad else None)

    def update(grads, state, params=None, *, learning_rate, iteration, **extra):
        def one(g, m, v, v_hat):
            step = _step(iteration, g.dtype)
            b1_power = jnp.power(jnp.asarray(beta_1, g.dtype), step)
            b2_power = jnp.power(jnp.asarray(beta_2, g.dtype), step)
            alpha = _lr(learning_rate, g) * jnp.sqrt(1 - b2_power) / (1 - b1_power)
            m = m + (g - m) * (1 - beta_1)
            v = v + (jnp.square(g) - v) * (1 - beta_2)
            v_used = v
            if amsgrad:
                v_hat = v_used = jnp.maximum(v_hat, v)
            return -((m * alpha) / (jnp.sqrt(v_used) + epsilon)), m, v, v_hat

        updates, m, v, v_hat = map_leaves(one, 4, grads, state.momentum, state.velocity,
                                          state.velocity_hat)
        return updates, AdamState(m, v, v_hat if amsgrad else None)

    return optax.GradientTransformationExtraArgs(init, update)


class _AdamFamily(Optimizer):
    """The arguments Adam, Adamax and Nadam share: `beta_1`, `beta_2` and `epsilon`."""

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        owner = type(self).__name__
        self.beta_1 = validation.fraction(beta_1, "beta_1", owner, include_high=False)
        self.beta_2 = validation.fraction(beta_2, "beta_2", owner, include_high=False)
        self.epsilon = 1e-7 if epsilon is None else \
            validation.number_in_range(epsilon, "epsilon", owner, 0)

    def get_config(self) -> dict:
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}


class Adam(_AdamFamily):
    """Adam, with Keras 3's defaults and update rule.

    `m = beta_1 m + (1 - beta_1) g`, `v = beta_2 v + (1 - beta_2) g^2`,
    `w -= lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) * m / (sqrt(v) + epsilon)`;
    with `amsgrad=True`, `v` in the last formula is its running maximum.

    Args:
        learning_rate: float or schedule, default 0.001.
        beta_1, beta_2: decay rates of the first and second moment (0.9, 0.999).
        epsilon: added to `sqrt(v)`, default 1e-7.
        amsgrad: use the AMSGrad variant.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> import jax.numpy as jnp
    >>> opt = Adam(learning_rate=0.01)
    >>> params = [jnp.array([1.0])]
    >>> updates, state = opt.update([jnp.array([2.0])], opt.init(params), params)
    >>> round(float(updates[0][0]), 6), opt.get_config()["beta_2"]
    (-0.01, 0.999)
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, amsgrad: bool = False, **kwargs):
        super().__init__(learning_rate, beta_1, beta_2, epsilon, **kwargs)
        self.amsgrad = bool(amsgrad)

    def transformation(self):
        return keras_adam(self.beta_1, self.beta_2, self.epsilon, self.amsgrad)

    def _slot_groups(self):
        return [("momentum", "velocity")] + ([("velocity_hat",)] if self.amsgrad else [])

    def get_config(self) -> dict:
        return {**super().get_config(), "amsgrad": self.amsgrad}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter), Keras 3's AdamW.

    Each step first does `w -= w * weight_decay * lr`, then the Adam update.

    Args:
        learning_rate: float or schedule, default 0.001.
        weight_decay: float, default 0.004.
        beta_1, beta_2, epsilon, amsgrad: as for `Adam`.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> AdamW().get_config()["weight_decay"]
    0.004
    """

    def __init__(self, learning_rate=0.001, weight_decay: float = 0.004, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 **kwargs):
        if weight_decay is None:
            raise ValueError("Argument `weight_decay` must be a float. "
                             "Received: weight_decay=None")
        super().__init__(learning_rate, beta_1, beta_2, epsilon, amsgrad,
                         weight_decay=weight_decay, **kwargs)


class AdamaxState(NamedTuple):
    momentum: Any
    norm: Any


def keras_adamax(beta_1=0.9, beta_2=0.999, epsilon=1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras's Adamax rule (extra args: `learning_rate`, `iteration`).

    >>> t = keras_adamax()
    >>> u, _ = t.update([jnp.ones(1)], t.init([jnp.zeros(1)]), None,
    ...                 learning_rate=0.001, iteration=0)
    >>> round(float(u[0][0]), 6)
    -0.001
    """
    def init(params):
        return AdamaxState(_zeros(params), _zeros(params))

    def update(grads, state, params=None, *, learning_rate, iteration, **extra):
        m = jax.tree.map(lambda g, m: m + (g - m) * (1 - beta_1), grads, state.momentum)
        u = jax.tree.map(lambda g, u: jnp.maximum(beta_2 * u, jnp.abs(g)), grads, state.norm)

        def delta(g, m, u):
            b1_power = jnp.power(jnp.asarray(beta_1, g.dtype), _step(iteration, g.dtype))
            return -((_lr(learning_rate, g) * m) / ((1 - b1_power) * (u + epsilon)))
        return jax.tree.map(delta, grads, m, u), AdamaxState(m, u)

    return optax.GradientTransformationExtraArgs(init, update)


class Adamax(_AdamFamily):
    """Adamax, the infinity-norm variant of Adam, with Keras 3's defaults.

    `m = beta_1 m + (1 - beta_1) g`, `u = max(beta_2 u, |g|)`,
    `w -= lr * m / ((1 - beta_1^t) * (u + epsilon))`.

    Args:
        learning_rate: float or schedule, default 0.001.
        beta_1, beta_2: decay rates (0.9, 0.999).
        epsilon: default 1e-7.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> Adamax().get_config()["learning_rate"] == float(jnp.float32(0.001))
    True
    """

    def transformation(self):
        return keras_adamax(self.beta_1, self.beta_2, self.epsilon)

    def _slot_groups(self):
        return [("momentum", "norm")]


class NadamState(NamedTuple):
    momentum: Any
    velocity: Any
    u_product: Any  # scalar: the product of the momentum cache u_1 ... u_t


def keras_nadam(beta_1=0.9, beta_2=0.999, epsilon=1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras's Nadam rule with its momentum cache (extra args: `learning_rate`, `iteration`).

    >>> t = keras_nadam()
    >>> u, s = t.update([jnp.ones(1)], t.init([jnp.zeros(1)]), None,
    ...                 learning_rate=0.001, iteration=0)
    >>> round(float(s.u_product), 4)
    0.468
    """
    def init(params):
        leaves = jax.tree.leaves(params)
        dtype = leaves[0].dtype if leaves else jnp.float32
        return NadamState(_zeros(params), _zeros(params), jnp.asarray(1.0, dtype))

    def update(grads, state, params=None, *, learning_rate, iteration, **extra):
        u_dtype = state.u_product.dtype
        u_product = state.u_product * beta_1 * (
            1.0 - 0.5 * jnp.power(jnp.asarray(0.96, u_dtype), _step(iteration, u_dtype)))

        def one(g, m, v):
            dt = g.dtype
            b1, b2, decay = (jnp.asarray(x, dt) for x in (beta_1, beta_2, 0.96))
            u_t = b1 * (1.0 - 0.5 * jnp.power(decay, _step(iteration, dt)))
            u_t_1 = b1 * (1.0 - 0.5 * jnp.power(decay, _step(iteration, dt, 2)))
            u_product_t = u_product.astype(dt)
            u_product_t_1 = u_product_t * u_t_1
            b2_power = jnp.power(b2, _step(iteration, dt))
            m = m + (g - m) * (1 - b1)
            v = v + (jnp.square(g) - v) * (1 - b2)
            m_hat = (u_t_1 * m) / (1 - u_product_t_1) + ((1 - u_t) * g) / (1 - u_product_t)
            v_hat = v / (1 - b2_power)
            return -((m_hat * _lr(learning_rate, g)) / (jnp.sqrt(v_hat) + epsilon)), m, v

        updates, m, v = map_leaves(one, 3, grads, state.momentum, state.velocity)
        return updates, NadamState(m, v, u_product)

    return optax.GradientTransformationExtraArgs(init, update)


class Nadam(_AdamFamily):
    """Adam with Nesterov momentum (Dozat 2015), Keras 3's formulation.

    Uses the momentum cache `u_t = beta_1 * (1 - 0.5 * 0.96^t)` and its running
    product, as Keras does.

    Args:
        learning_rate: float or schedule, default 0.001.
        beta_1, beta_2: decay rates (0.9, 0.999).
        epsilon: default 1e-7.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> import jax.numpy as jnp
    >>> opt = Nadam()
    >>> params = [jnp.zeros(2)]
    >>> len(opt.state_to_variables(opt.init(params)))  # iteration, lr, m, v, u_product
    5
    """

    def transformation(self):
        return keras_nadam(self.beta_1, self.beta_2, self.epsilon)

    def _slot_groups(self):
        return [("momentum", "velocity"), ("u_product",)]
