"""Learning-rate schedules: `step -> learning rate`, with Keras 3's exact formulas.

Pass a schedule as an optimizer's `learning_rate`; the optimizer calls it with
its iteration count inside the jitted training step, so `__call__` must be
traceable (jax.numpy only, no Python branching on `step`). Every schedule
returns a float32 scalar and round-trips through `get_config` / `from_config`
and `serialize` / `deserialize` (the dict Keras writes into `.keras` files).
"""
from __future__ import annotations

import math

import jax.numpy as jnp

from neurx.naming import did_you_mean
from neurx.registry import Configurable, Registry

__all__ = [
    "LearningRateSchedule", "ExponentialDecay", "PiecewiseConstantDecay",
    "PolynomialDecay", "InverseTimeDecay", "CosineDecay", "CosineDecayRestarts",
    "serialize", "deserialize",
]


def _f32(x):
    return jnp.asarray(x, jnp.float32)


def _check_steps(name: str, value) -> None:
    if value <= 0:
        raise ValueError(f"Argument `{name}` must be > 0. Received: {name}={value}")


class LearningRateSchedule(Configurable):
    """Base class of learning-rate schedules: subclass and define `__call__(step)`.

    `step` is the optimizer's iteration count (an int32 scalar, traced under
    jit); return the learning rate for that step.

    Example:
    >>> class Halving(LearningRateSchedule):
    ...     def __init__(self, initial_learning_rate):
    ...         self.initial_learning_rate = initial_learning_rate
    ...     def __call__(self, step):
    ...         return self.initial_learning_rate / (step + 1)
    ...     def get_config(self):
    ...         return {"initial_learning_rate": self.initial_learning_rate}
    >>> float(Halving(1.0)(1))
    0.5
    """

    _config_keys: tuple | None = None  # the built-ins' constructor arguments

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' must override "
            "`__call__(self, step)`.")

    def get_config(self) -> dict:
        if self._config_keys is None:
            raise NotImplementedError(
                f"Learning rate schedule '{type(self).__name__}' must override "
                "`get_config()` in order to be serializable.")
        return {key: getattr(self, key) for key in self._config_keys}


class _StepDecay(LearningRateSchedule):
    """Shared by the schedules that apply `decay_rate` once per `decay_steps`.

    >>> _StepDecay(0.1, 4, 0.5, staircase=True, name="s")._periods(6).item()
    1.0
    """

    _config_keys = ("initial_learning_rate", "decay_steps", "decay_rate", "staircase", "name")

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase, name):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def _periods(self, step):
        """`step / decay_steps` in float32, floored when `staircase` (decay in jumps)."""
        p = _f32(step) / _f32(self.decay_steps)
        return jnp.floor(p) if self.staircase else p


class ExponentialDecay(_StepDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    Args:
        initial_learning_rate: float, the rate at step 0.
        decay_steps: positive int, the steps over which the rate is multiplied
            by `decay_rate` once.
        decay_rate: float, the multiplier per `decay_steps`.
        staircase: if True, `step / decay_steps` is floored (decay in jumps).
        name: the schedule's name.

    Example:
    >>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(s(10)), 6), round(float(s(5)), 6)
    (0.05, 0.070711)
    """

    def __init__(self, initial_learning_rate: float, decay_steps: int, decay_rate: float,
                 staircase: bool = False, name: str = "ExponentialDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _f32(self.initial_learning_rate) * jnp.power(_f32(self.decay_rate),
                                                            self._periods(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[0]` while `step <= boundaries[0]`, `values[1]` up to `boundaries[1]`, ...

    Args:
        boundaries: increasing step numbers, one fewer than `values`.
        values: the learning rate on each interval.
        name: the schedule's name.

    Example:
    >>> s = PiecewiseConstantDecay(boundaries=[10, 20], values=[1.0, 0.5, 0.1])
    >>> [round(float(s(t)), 3) for t in (0, 10, 11, 20, 21)]
    [1.0, 1.0, 0.5, 0.5, 0.1]
    """

    _config_keys = ("boundaries", "values", "name")

    def __init__(self, boundaries, values, name: str = "PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of values. "
                f"Received: boundaries={boundaries} of length {len(boundaries)}, and "
                f"values={values} of length {len(values)}.")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = jnp.asarray(step)
        bounds = [jnp.asarray(b).astype(step.dtype) for b in self.boundaries]
        values = [_f32(v) for v in self.values]
        result = (step <= bounds[0]).astype(jnp.float32) * values[0]
        result = result + (step > bounds[-1]).astype(jnp.float32) * values[-1]
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            result = result + ((step > low) & (step <= high)).astype(jnp.float32) * value
        return result


class PolynomialDecay(LearningRateSchedule):
    """Polynomial decay from `initial_learning_rate` to `end_learning_rate`.

    `(initial - end) * (1 - min(step, decay_steps) / decay_steps) ** power + end`;
    with `cycle=True` the horizon grows to the next multiple of `decay_steps`.

    Example:
    >>> s = PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01)
    >>> round(float(s(5)), 6), round(float(s(50)), 6)
    (0.055, 0.01)
    """

    _config_keys = ("initial_learning_rate", "decay_steps", "end_learning_rate", "power",
                    "cycle", "name")

    def __init__(self, initial_learning_rate: float, decay_steps: int,
                 end_learning_rate: float = 0.0001, power: float = 1.0,
                 cycle: bool = False, name: str = "PolynomialDecay"):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        lr0, end = _f32(self.initial_learning_rate), _f32(self.end_learning_rate)
        step = _f32(step)
        decay_steps = _f32(self.decay_steps)
        if self.cycle:
            multiplier = jnp.where(step == 0, 1.0, jnp.ceil(step / self.decay_steps))
            decay_steps = decay_steps * multiplier
        else:
            step = jnp.minimum(step, decay_steps)
        p = step / decay_steps
        return (lr0 - end) * jnp.power(1 - p, _f32(self.power)) + end


class InverseTimeDecay(_StepDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    With `staircase=True`, `step / decay_steps` is floored.

    Example:
    >>> s = InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5)
    >>> round(float(s(2)), 6)
    0.05
    """

    def __init__(self, initial_learning_rate: float, decay_steps, decay_rate: float,
                 staircase: bool = False, name: str = "InverseTimeDecay"):
        super().__init__(initial_learning_rate, decay_steps, decay_rate, staircase, name)

    def __call__(self, step):
        return _f32(self.initial_learning_rate) / (1.0 + _f32(self.decay_rate)
                                                   * self._periods(step))


def _cosine(step, decay_steps, decay_from, alpha):
    fraction = step / decay_steps
    cosine_decayed = 0.5 * (1.0 + jnp.cos(_f32(math.pi) * fraction))
    return decay_from * ((1 - alpha) * cosine_decayed + alpha)


class CosineDecay(LearningRateSchedule):
    """Cosine decay (SGDR without restarts), optionally after a linear warmup.

    Without `warmup_target` the rate goes from `initial_learning_rate` to
    `initial_learning_rate * alpha` over `decay_steps`. With it, the rate first
    rises linearly from `initial_learning_rate` to `warmup_target` over
    `warmup_steps`, then decays from `warmup_target` to `warmup_target * alpha`.

    Example:
    >>> s = CosineDecay(0.1, decay_steps=10)
    >>> round(float(s(0)), 6), round(float(s(5)), 6), round(float(s(10)), 6)
    (0.1, 0.05, 0.0)
    >>> w = CosineDecay(0.0, 10, warmup_target=0.1, warmup_steps=5)
    >>> round(float(w(2)), 6)
    0.04
    """

    _config_keys = ("initial_learning_rate", "decay_steps", "alpha", "name", "warmup_target",
                    "warmup_steps")

    def __init__(self, initial_learning_rate: float, decay_steps: int, alpha: float = 0.0,
                 name: str = "CosineDecay", warmup_target: float | None = None,
                 warmup_steps: int = 0):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def __call__(self, step):
        lr0 = _f32(self.initial_learning_rate)
        decay_steps = _f32(self.decay_steps)
        step = _f32(step)
        if self.warmup_target is None:
            return _cosine(jnp.minimum(step, decay_steps), decay_steps, lr0, self.alpha)
        target, warmup_steps = _f32(self.warmup_target), _f32(self.warmup_steps)
        step = jnp.minimum(step, decay_steps + warmup_steps)
        warm = (target - lr0) * (step / warmup_steps) + lr0
        decayed = _cosine(step - warmup_steps, decay_steps, target, self.alpha)
        return jnp.where(step < warmup_steps, warm, decayed)


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    The first period lasts `first_decay_steps`; each next one is `t_mul` times
    longer and starts at `m_mul` times the previous peak. `alpha` is the floor
    as a fraction of the peak.

    Example:
    >>> s = CosineDecayRestarts(0.1, first_decay_steps=10)
    >>> round(float(s(5)), 6), round(float(s(10)), 6)
    (0.05, 0.1)
    """

    _config_keys = ("initial_learning_rate", "first_decay_steps", "t_mul", "m_mul", "alpha",
                    "name")

    def __init__(self, initial_learning_rate: float, first_decay_steps: int,
                 t_mul: float = 2.0, m_mul: float = 1.0, alpha: float = 0.0,
                 name: str = "SGDRDecay"):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        alpha, t_mul, m_mul = _f32(self.alpha), _f32(self.t_mul), _f32(self.m_mul)
        fraction = _f32(step) / _f32(self.first_decay_steps)
        if float(self.t_mul) == 1.0:
            i_restart = jnp.floor(fraction)
            fraction = fraction - i_restart
        else:
            i_restart = jnp.floor(jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul))
            sum_r = (1.0 - jnp.power(t_mul, i_restart)) / (1.0 - t_mul)
            fraction = (fraction - sum_r) / jnp.power(t_mul, i_restart)
        m_fac = jnp.power(m_mul, i_restart)
        cosine_decayed = 0.5 * m_fac * (1.0 + jnp.cos(_f32(math.pi) * fraction))
        return _f32(self.initial_learning_rate) * ((1 - alpha) * cosine_decayed + alpha)


_BUILTIN = {cls.__name__: cls for cls in (
    ExponentialDecay, PiecewiseConstantDecay, PolynomialDecay, InverseTimeDecay,
    CosineDecay, CosineDecayRestarts)}
_REGISTRY = Registry("learning rate schedule", "keras.optimizers.schedules", _BUILTIN)


def serialize(schedule: LearningRateSchedule) -> dict:
    """The dict Keras 3 stores for a schedule (`module`, `class_name`, `config`, ...).

    >>> serialize(ExponentialDecay(0.1, 10, 0.9))["class_name"]
    'ExponentialDecay'
    """
    return _REGISTRY.serialize(schedule)


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """Rebuilds a schedule from `serialize`'s dict (Keras 2 and 3 layouts).

    >>> s = deserialize(serialize(CosineDecay(0.1, 100)))
    >>> type(s).__name__, s.decay_steps
    ('CosineDecay', 100)
    """
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError("A serialized learning rate schedule must be a dict with "
                         f"'class_name' and 'config' keys. Received: {config!r}")
    name = config["class_name"]
    known = {**_BUILTIN, **(custom_objects or {})}
    if config.get("registered_name") in known:
        name = config["registered_name"]
    if name not in known:
        raise ValueError(f"Unknown learning rate schedule: '{name}'."
                         f"{did_you_mean(name, known)} Pass custom schedules in "
                         "`custom_objects`.")
    return known[name].from_config(dict(config.get("config", {})))
