"""Keras 3's stateless API on a model: `stateless_call` and `compute_loss`."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx.training.steps import regularized_pairs
from neurx.variables import StatelessScope, current_scope


class StatelessMethods:
    """Calls and losses on given variable values (mixed into `Trainer`)."""

    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses=False, **kwargs):
        """Calls the model on given variable values; returns `(outputs, non_trainable_values)`.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,), kernel_initializer="ones")])
        >>> out, _ = model.stateless_call([np.full((2, 1), 2.0), np.zeros(1)], [], np.ones((1, 2)))
        >>> out.tolist()
        [[4.0]]
        """
        values = dict(zip(self.trainable_weights, trainable_variables))
        values.update(zip(self.non_trainable_weights, non_trainable_variables))
        with StatelessScope(values, rng_key=_scope_key()) as scope:
            outputs = self(*args, **kwargs)
            losses = list(scope.losses)
        assigned = scope.assigned()
        new_values = [assigned.get(v, value)
                      for v, value in zip(self.non_trainable_weights, non_trainable_variables)]
        if return_losses:
            return outputs, new_values, losses
        return outputs, new_values

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss (weighted over outputs) plus the layers' regularization losses."""
        self._require_compiled("compute_loss")
        y_true = self._flat_targets(y)
        flat_pred = jax.tree_util.tree_leaves(y_pred)
        n = jnp.asarray(flat_pred[0].shape[0], "float32")
        weights = jnp.ones(flat_pred[0].shape[0], "float32") if sample_weight is None \
            else jnp.asarray(sample_weight, "float32")
        total, _ = self._objectives.compute_loss(y_true, flat_pred, weights, n)
        penalties = [reg(v.value) for v, reg in regularized_pairs(self)]
        return total + sum(penalties) if penalties else total

    def _flat_targets(self, y):
        if isinstance(y, dict):
            return [y[name] for name in self._objectives.output_names]
        if isinstance(y, (list, tuple)) and len(self._objectives.output_names) > 1:
            return list(y)
        return [y]


def _scope_key():
    """The enclosing traced step's key (for dropout inside `stateless_call`), if any."""
    scope = current_scope()
    return scope.next_key() if scope is not None and scope.rng_key is not None else None
