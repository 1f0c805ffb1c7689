"""Dropout for recurrent cells: one mask per sequence, drawn before the time loop.

Keras drops the same input units and the same recurrent units at every
timestep of a sequence. A cell mixes in `DropoutRNNCell`; the `RNN` layer asks
it for its masks before `lax.scan` starts (so random keys are never drawn inside
the loop body) and forgets them when the call ends. The cell's `call` then
reads the cached masks. With `dropout_mask_count = n` a cell gets `n`
independent masks, one per gate (Keras's `implementation=1`).
"""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import rng


class DropoutRNNCell:
    """Mixin giving a cell cached dropout masks for `dropout` and `recurrent_dropout`.

    The cell sets `self.dropout`, `self.recurrent_dropout` and optionally
    `self.dropout_mask_count`. Masks hold `0` or `1 / (1 - rate)`.

    Example:
    >>> import numpy as np
    >>> class Cell(DropoutRNNCell):
    ...     dropout, recurrent_dropout = 0.5, 0.0
    >>> cell = Cell()
    >>> mask = cell.get_dropout_mask(np.ones((4, 3), "float32"))
    >>> mask.shape, sorted(set(np.asarray(mask).ravel().tolist())) <= [0.0, 2.0]
    ((4, 3), True)
    >>> cell.get_dropout_mask(np.ones((4, 3))) is mask   # cached for the sequence
    True
    >>> cell.reset_dropout_mask()
    """

    def _create_dropout_mask(self, step_input, rate):
        count = getattr(self, "dropout_mask_count", None)

        def draw():
            keep = jax.random.bernoulli(rng.draw_key(), 1.0 - rate, jnp.shape(step_input))
            return keep.astype(jnp.result_type(step_input, jnp.float32)) / (1.0 - rate)
        return draw() if count is None else [draw() for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input dropout mask of the current sequence (drawn on first request)."""
        if getattr(self, "_dropout_mask", None) is None and 0.0 < self.dropout < 1.0:
            self._dropout_mask = self._create_dropout_mask(step_input, self.dropout)
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state dropout mask of the current sequence."""
        if (getattr(self, "_recurrent_dropout_mask", None) is None
                and 0.0 < self.recurrent_dropout < 1.0):
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout)
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self):
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self):
        self._recurrent_dropout_mask = None


def gate_projections(x, kernel, mask, gates: int) -> list:
    """`x @ kernel` split into `gates` equal parts, with `x` dropped out by `mask`.

    `mask` is None, one mask, or a list of one mask per gate (then each gate sees
    its own dropped-out copy of `x`).

    >>> import numpy as np
    >>> parts = gate_projections(np.ones((2, 3)), np.ones((3, 8)), None, 4)
    >>> [p.shape for p in parts]
    [(2, 2), (2, 2), (2, 2), (2, 2)]
    """
    if isinstance(mask, (list, tuple)):
        kernels = jnp.split(kernel, gates, axis=-1)
        return [jnp.matmul(x * m, k) for m, k in zip(mask, kernels)]
    if mask is not None:
        x = x * mask
    return jnp.split(jnp.matmul(x, kernel), gates, axis=-1)
