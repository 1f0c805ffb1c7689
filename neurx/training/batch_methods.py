"""`train_on_batch`, `test_on_batch`, `predict_on_batch`: one batch, one compiled step."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from neurx import rng
from neurx.training import data as data_utils


class BatchMethods:
    """Single-batch training and inference (mixed into `Trainer`)."""

    def _one_batch(self, x, y, sample_weight, class_weight):
        x_leaves, x_treedef, y_leaves, sw = self._arrays(x, y, sample_weight, class_weight)
        steps = self._ensure_steps(x_leaves, x_treedef, y_leaves)
        n = data_utils.num_samples(x_leaves)
        data = ([jnp.asarray(a) for a in x_leaves], [jnp.asarray(a) for a in y_leaves],
                None if sw is None else jnp.asarray(sw))
        return steps, data, jnp.arange(n)[None, :], jnp.ones((1, n), "float32")

    def _batch_result(self, logs, return_dict):
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def train_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                       class_weight: Mapping[int, float] | None = None,
                       return_dict: bool = False) -> float | list[float] | dict[str, float]:
        """Runs one gradient update on a single batch; returns that batch's loss and metrics.

        >>> import numpy as np
        >>> from neurx import Sequential, layers
        >>> model = Sequential([layers.Dense(1, input_shape=(2,))])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> isinstance(model.train_on_batch(np.ones((4, 2)), np.ones(4)), float)
        True
        """
        self._require_compiled("train_on_batch")
        steps, data, indices, mask = self._one_batch(x, y, sample_weight, class_weight)
        self._reset_metrics_values()
        state = steps.gather(rng.draw_key())
        state, logs = steps.train_chunk(state, data, indices, mask)
        steps.scatter(state)
        steps.scatter_metrics(state.metrics)
        return self._batch_result(self._logs(logs), return_dict)

    def test_on_batch(self, x: Any, y: Any = None, sample_weight: Any = None,
                      return_dict: bool = False) -> float | list[float] | dict[str, float]:
        """Loss and metrics of the model on a single batch."""
        self._require_compiled("test_on_batch")
        steps, data, indices, mask = self._one_batch(x, y, sample_weight, None)
        self._reset_metrics_values()
        state, logs = steps.test_chunk(steps.gather(jax.random.key(0)), data, indices, mask)
        steps.scatter_metrics(state.metrics)
        return self._batch_result(self._logs(logs), return_dict)

    def predict_on_batch(self, x: Any) -> np.ndarray | list[np.ndarray]:
        """Predictions for a single batch of samples."""
        n = data_utils.tree_len(x)
        return self.predict(x, batch_size=max(n, 1), verbose=0)
