"""Per-coordinate step sizes from running sums of squared gradients: RMSprop, Adagrad, Adadelta.

Written as custom optax transformations because Keras's arithmetic differs from
optax's: Keras's RMSprop adds `epsilon` inside the square root and applies the
learning rate before momentum; Keras's Adagrad starts its accumulator at
`initial_accumulator_value` and adds `epsilon` inside the root; Keras's
Adadelta scales the step by `learning_rate` (optax's default is 1).
"""
from __future__ import annotations

from typing import Any, NamedTuple

import jax
import jax.numpy as jnp
import optax

from neurx import validation
from neurx.optimizers.base import Optimizer
from neurx.optimizers.transforms import map_leaves


def _lr(learning_rate, g):
    return jnp.asarray(learning_rate).astype(g.dtype)


def _zeros(params):
    return jax.tree.map(jnp.zeros_like, params)


class RMSpropState(NamedTuple):
    velocity: Any
    momentum: Any          # None unless momentum > 0
    average_gradient: Any  # None unless centered


def keras_rmsprop(rho=0.9, momentum=0.0, epsilon=1e-7, centered=False
                  ) -> optax.GradientTransformationExtraArgs:
    """Keras's RMSprop rule (extra arg: `learning_rate`).

    >>> t = keras_rmsprop()
    >>> u, _ = t.update([jnp.ones(1)], t.init([jnp.zeros(1)]), None, learning_rate=0.001)
    >>> round(float(u[0][0]), 5)
    -0.00316
    """
    def init(params):
        return RMSpropState(_zeros(params), _zeros(params) if momentum > 0 else None,
                            _zeros(params) if centered else None)

    def update(grads, state, params=None, *, learning_rate, **extra):
        def one(g, vel, mom, avg):
            vel = rho * vel + (1 - rho) * jnp.square(g)
            if centered:
                avg = rho * avg + (1 - rho) * g
                denominator = vel - jnp.square(avg) + epsilon
            else:
                denominator = vel + epsilon
            increment = (_lr(learning_rate, g) * g) / jnp.sqrt(denominator)
            if momentum > 0:
                mom = momentum * mom + increment
                increment = mom
            return -increment, vel, mom, avg

        updates, vel, mom, avg = map_leaves(one, 4, grads, state.velocity, state.momentum,
                                            state.average_gradient)
        return updates, RMSpropState(vel, mom if momentum > 0 else None,
                                     avg if centered else None)

    return optax.GradientTransformationExtraArgs(init, update)


class RMSprop(Optimizer):
    """RMSprop (Hinton), with Keras 3's defaults and update rule.

    `v = rho v + (1 - rho) g^2`; `step = lr g / sqrt(v + epsilon)` (centered:
    `sqrt(v - mean_g^2 + epsilon)`); with momentum, `mom = momentum mom + step`
    and `w -= mom`, else `w -= step`.

    Args:
        learning_rate: float or schedule, default 0.001.
        rho: discount of the squared-gradient average, default 0.9.
        momentum: default 0.0.
        epsilon: default 1e-7.
        centered: normalize by the gradient's estimated variance.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> import jax.numpy as jnp
    >>> opt = RMSprop(centered=True, momentum=0.5)
    >>> params = [jnp.zeros(3)]
    >>> [v.shape for v in opt.state_to_variables(opt.init(params))]
    [(), (), (3,), (3,), (3,)]
    """

    def __init__(self, learning_rate=0.001, rho: float = 0.9, momentum: float = 0.0,
                 epsilon: float = 1e-7, centered: bool = False, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = validation.fraction(rho, "rho", "RMSprop")
        self.momentum = validation.fraction(momentum, "momentum", "RMSprop")
        self.epsilon = 1e-7 if epsilon is None else \
            validation.number_in_range(epsilon, "epsilon", "RMSprop", 0)
        self.centered = bool(centered)

    def transformation(self):
        return keras_rmsprop(self.rho, self.momentum, self.epsilon, self.centered)

    def _slot_groups(self):
        return ([("velocity",)] + ([("momentum",)] if self.momentum > 0 else [])
                + ([("average_gradient",)] if self.centered else []))

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "momentum": self.momentum,
                "epsilon": self.epsilon, "centered": self.centered}


class AdagradState(NamedTuple):
    accumulator: Any


def keras_adagrad(initial_accumulator_value=0.1, epsilon=1e-7
                  ) -> optax.GradientTransformationExtraArgs:
    """Keras's Adagrad rule (extra arg: `learning_rate`).

    >>> t = keras_adagrad()
    >>> float(t.init([jnp.zeros(1)]).accumulator[0][0]) == float(jnp.float32(0.1))
    True
    """
    def init(params):
        return AdagradState(jax.tree.map(
            lambda p: jnp.full_like(p, initial_accumulator_value), params))

    def update(grads, state, params=None, *, learning_rate, **extra):
        acc = jax.tree.map(lambda a, g: a + jnp.square(g), state.accumulator, grads)
        updates = jax.tree.map(
            lambda g, a: -((_lr(learning_rate, g) * g) / jnp.sqrt(a + epsilon)), grads, acc)
        return updates, AdagradState(acc)

    return optax.GradientTransformationExtraArgs(init, update)


class Adagrad(Optimizer):
    """Adagrad, with Keras 3's defaults: `acc += g^2; w -= lr g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: float or schedule, default 0.001.
        initial_accumulator_value: starting value of the accumulators, default 0.1.
        epsilon: default 1e-7.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> Adagrad().get_config()["initial_accumulator_value"]
    0.1
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value: float = 0.1,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.initial_accumulator_value = validation.number_in_range(
            initial_accumulator_value, "initial_accumulator_value", "Adagrad", 0)
        self.epsilon = 1e-7 if epsilon is None else \
            validation.number_in_range(epsilon, "epsilon", "Adagrad", 0)

    def transformation(self):
        return keras_adagrad(self.initial_accumulator_value, self.epsilon)

    def _slot_groups(self):
        return [("accumulator",)]

    def get_config(self) -> dict:
        return {**super().get_config(),
                "initial_accumulator_value": self.initial_accumulator_value,
                "epsilon": self.epsilon}


class AdadeltaState(NamedTuple):
    accumulated_grad: Any
    accumulated_delta_var: Any


def keras_adadelta(rho=0.95, epsilon=1e-7) -> optax.GradientTransformationExtraArgs:
    """Keras's Adadelta rule (extra arg: `learning_rate`).

    >>> t = keras_adadelta()
    >>> u, _ = t.update([jnp.ones(1)], t.init([jnp.zeros(1)]), None, learning_rate=1.0)
    >>> round(float(u[0][0]), 6)
    -0.001414
    """
    def init(params):
        return AdadeltaState(_zeros(params), _zeros(params))

    def update(grads, state, params=None, *, learning_rate, **extra):
        def one(g, acc_g, acc_d):
            acc_g = rho * acc_g + (1 - rho) * jnp.square(g)
            delta = -((jnp.sqrt(acc_d + epsilon) * g) / jnp.sqrt(acc_g + epsilon))
            acc_d = rho * acc_d + (1 - rho) * jnp.square(delta)
            return _lr(learning_rate, g) * delta, acc_g, acc_d

        updates, acc_g, acc_d = map_leaves(one, 3, grads, state.accumulated_grad,
                                           state.accumulated_delta_var)
        return updates, AdadeltaState(acc_g, acc_d)

    return optax.GradientTransformationExtraArgs(init, update)


class Adadelta(Optimizer):
    """Adadelta (Zeiler 2012), with Keras 3's defaults (note `learning_rate=0.001`).

    `acc_g = rho acc_g + (1 - rho) g^2`;
    `delta = -sqrt(acc_d + eps) / sqrt(acc_g + eps) * g`;
    `acc_d = rho acc_d + (1 - rho) delta^2`; `w += lr * delta`.

    Args:
        learning_rate: float or schedule, default 0.001 (Keras 2 used 1.0).
        rho: decay rate, default 0.95.
        epsilon: default 1e-7.
        **kwargs: the common arguments listed on `Optimizer`.

    Example:
    >>> Adadelta().get_config()["rho"]
    0.95
    """

    def __init__(self, learning_rate=0.001, rho: float = 0.95, epsilon: float = 1e-7,
                 **kwargs):
        super().__init__(learning_rate, **kwargs)
        self.rho = validation.fraction(rho, "rho", "Adadelta")
        self.epsilon = 1e-7 if epsilon is None else \
            validation.number_in_range(epsilon, "epsilon", "Adadelta", 0)

    def transformation(self):
        return keras_adadelta(self.rho, self.epsilon)

    def _slot_groups(self):
        return [("accumulated_grad", "accumulated_delta_var")]

    def get_config(self) -> dict:
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
