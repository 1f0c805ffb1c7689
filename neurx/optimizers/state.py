"""The optimizer state pytree, its Keras variable order, and the live learning-rate view.

`OptimizerState` is what `Optimizer.init` returns and `update` threads through
jit. `keras_layout` lists its leaves in the order Keras 3's
`optimizer.variables` uses, which is how optimizer state is saved in `.keras`
files and restored from them. `LearningRateVariable` and `IterationsVariable` are what
`optimizer.learning_rate` and `optimizer.iterations` return: Variables whose values live in
the state.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import jax
import numpy as np

from neurx.variables import Variable, unwrap


class OptimizerState(NamedTuple):
    """Everything an optimizer carries between steps (a pytree of arrays).

    Fields: `iterations` (int32, raw step count), `learning_rate` (float32, or
    None with a schedule), `ema` (per-parameter averages, or None),
    `accumulators` (per-parameter gradient sums, or None) and `slots` (the
    algorithm's own per-parameter state, e.g. Adam's momentum and velocity).

    >>> OptimizerState._fields
    ('iterations', 'learning_rate', 'ema', 'accumulators', 'slots')
    """
    iterations: Any
    learning_rate: Any
    ema: Any
    accumulators: Any
    slots: Any


class StateVariable(Variable):
    """A Variable whose value lives in `optimizer.state` (`learning_rate`, `iterations`).

    Reads (`float(v)`, `int(v)`, `v.numpy()`, arithmetic, `==`) give the current value and
    `v.assign(x)` (what `keras.backend.set_value(v, x)` does) writes it, as Keras's
    optimizer variables do. Subclasses say where the value is read and written.
    """
    scalar_type: type = float

    def __init__(self, optimizer, name: str):
        self._optimizer = optimizer
        self.name = name
        self.trainable = False
        self.constraint = None

    @property
    def path(self) -> str:
        return f"{self._optimizer.name}/{self.name}"

    def assign(self, value):
        self._value = unwrap(value)
        return self.value

    def __eq__(self, other):
        try:
            mine, theirs = np.asarray(self.value), np.asarray(unwrap(other))
            if mine.dtype.kind == "f":  # `lr == 1e-3` compares at the rate's float32 precision
                theirs = theirs.astype(mine.dtype)
            return bool(mine == theirs)
        except (TypeError, ValueError):
            return NotImplemented

    __hash__ = Variable.__hash__

    def __bool__(self) -> bool:
        return bool(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.scalar_type(self), spec)

    def __round__(self, ndigits=None):
        return round(self.scalar_type(self), ndigits)

    def __repr__(self):
        return (f"<Variable path={self.path}, shape=(), dtype={self.dtype}, "
                f"value={self.scalar_type(self)}>")


class LearningRateVariable(StateVariable):
    """`optimizer.learning_rate`: a live view of the learning rate in `optimizer.state`.

    With a schedule the value is the scheduled rate and assigning raises.

    Example:
    >>> from neurx.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1)
    >>> _ = opt.learning_rate.assign(0.5)
    >>> float(opt.learning_rate)
    0.5
    """

    def __init__(self, optimizer):
        super().__init__(optimizer, "learning_rate")

    @property
    def _value(self):
        return self._optimizer._current_learning_rate()

    @_value.setter
    def _value(self, value):
        self._optimizer._assign_learning_rate(value)


class IterationsVariable(StateVariable):
    """`optimizer.iterations`: a live view of the optimizer's step count (int32, as Keras 3's
    on JAX).

    Example:
    >>> from neurx.optimizers import SGD
    >>> opt = SGD()
    >>> _ = opt.iterations.assign(100)
    >>> int(opt.iterations), opt.iterations.numpy().dtype.name
    (100, 'int32')
    """
    scalar_type = int

    def __init__(self, optimizer):
        super().__init__(optimizer, "iteration")

    @property
    def _value(self):
        return np.int32(self._optimizer._step_count())

    @_value.setter
    def _value(self, value):
        self._optimizer._assign_step_count(int(np.asarray(value)))

    def __index__(self) -> int:
        return int(self)


def keras_order(state: OptimizerState, slot_groups) -> list:
    """The leaves of `state` in Keras 3's `optimizer.variables` order.

    `iteration`, `learning_rate` (absent with a schedule), the EMA averages,
    the gradient accumulators, then the slots: the field names in one group of
    `slot_groups` interleave per parameter (Adam: `m_0, v_0, m_1, v_1`), groups
    follow each other (RMSprop: all velocities, then all momentums).

    >>> from collections import namedtuple
    >>> Slots = namedtuple("Slots", "m v")
    >>> keras_order(OptimizerState(0, 1, None, None, Slots([2, 4], [3, 5])), [("m", "v")])
    [0, 1, 2, 3, 4, 5]
    """
    out = [state.iterations]
    if state.learning_rate is not None:
        out.append(state.learning_rate)
    out += jax.tree.leaves(state.ema) + jax.tree.leaves(state.accumulators)
    for group in slot_groups:
        per_field = [jax.tree.leaves(getattr(state.slots, f)) for f in group]
        for items in zip(*per_field):
            out.extend(items)
    return out


def keras_layout(state: OptimizerState, slot_groups):
    """`(leaves, treedef, order)`: `[leaves[i] for i in order]` is Keras's variable list."""
    leaves, treedef = jax.tree.flatten(state)
    order = keras_order(jax.tree.unflatten(treedef, list(range(len(leaves)))), slot_groups)
    if sorted(order) != list(range(len(leaves))):
        raise RuntimeError("The optimizer's `_slot_groups()` do not name every slot of its state.")
    return leaves, treedef, order
