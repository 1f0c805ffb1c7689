"""Keras 3's `model.stateless_call`: the model run on given variable values, nothing mutated."""
from __future__ import annotations

from typing import Any

from neurx.layers.layer import Layer
from neurx.variables import StatelessScope, current_scope


def stateless_call(model: Layer, trainable_variables: list, non_trainable_variables: list,
                   *args: Any, return_losses: bool = False, **kwargs: Any) -> tuple:
    """Calls `model` on given variable values; returns `(outputs, non_trainable_values)`
    (and the losses the layers added, with `return_losses=True`).

    >>> import numpy as np
    >>> from neurx import layers
    >>> dense = layers.Dense(1, kernel_initializer="ones")
    >>> _ = dense(np.ones((1, 2)))
    >>> out, _ = stateless_call(dense, [np.full((2, 1), 2.0), np.zeros(1)], [], np.ones((1, 2)))
    >>> out.tolist()
    [[4.0]]
    """
    values = dict(zip(model.trainable_weights, trainable_variables))
    values.update(zip(model.non_trainable_weights, non_trainable_variables))
    with StatelessScope(values, rng_key=_scope_key()) as scope:
        outputs = model(*args, **kwargs)
        losses = list(scope.losses)
    assigned = scope.assigned()
    new_values = [assigned.get(v, value)
                  for v, value in zip(model.non_trainable_weights, non_trainable_variables)]
    if return_losses:
        return outputs, new_values, losses
    return outputs, new_values


def _scope_key():
    """The enclosing traced step's key (for dropout inside `stateless_call`), if any."""
    scope = current_scope()
    return scope.next_key() if scope is not None and scope.rng_key is not None else None
