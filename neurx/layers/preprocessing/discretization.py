"""Discretization: bucketizes continuous features by bin boundaries (given or adapted).

What it owns: the layer, and Keras's approximate quantile summary used by
`adapt()` (sorted sample boundaries with weights, merged and compressed to
`1 / epsilon` bins, then interpolated to `num_bins` quantiles), on the host.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from neurx.layers.layer import Layer
from neurx.layers.preprocessing.adapt_data import iter_batches
from neurx.layers.preprocessing.encoding import (
    check_output_mode,
    encode_categorical,
    encoded_shape,
)
from neurx.symbolic import KerasTensor


def summarize(values, epsilon):
    """A weighted summary `[boundaries, weights]` of the sorted values (Keras's rule)."""
    values = np.sort(np.reshape(values, [-1]))
    step = max(values.size * epsilon, 1)
    boundaries = values[int(step - 1)::int(step)]
    return np.stack([boundaries, np.ones_like(boundaries) * step])


def compress_summary(summary, epsilon):
    """Interpolates a summary down to `1 / epsilon` weighted boundaries."""
    if summary.shape[1] * epsilon < 1:
        return summary
    percents = epsilon + np.arange(0.0, 1.0, epsilon)
    cum_weights = summary[1].cumsum()
    cum_percents = cum_weights / cum_weights[-1]
    new_bins = np.interp(percents, cum_percents, summary[0])
    cum_weights = np.interp(percents, cum_percents, cum_weights)
    new_weights = cum_weights - np.concatenate((np.array([0]), cum_weights[:-1]))
    return np.stack((new_bins, new_weights)).astype("float32")


def merge_summaries(first, second, epsilon):
    merged = np.concatenate((first, second), axis=1)
    merged = np.take(merged, np.argsort(merged[0]), axis=1)
    return compress_summary(merged, epsilon)


class Discretization(Layer):
    """Maps each value to the index of its bin: `bins[i-1] <= x < bins[i]` gives `i`.

    Args:
        bin_boundaries: sorted boundaries; values below the first go to bin 0 and values
            from the last upward to bin `len(bin_boundaries)`.
        num_bins: the number of bins to learn with `adapt()` (approximate quantiles).
        epsilon: error tolerance of the quantile summary used by `adapt()`.
        output_mode: "int" (bin indices, int32), "one_hot", "multi_hot" or "count".
        sparse: only False is supported, as with Keras's JAX backend.

    Example:
    >>> import numpy as np
    >>> layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    >>> layer(np.array([[-1.5, 1.0, 3.4, 0.5]])).tolist()
    [[0, 2, 3, 1]]
    >>> layer = Discretization(num_bins=4, epsilon=0.01)
    >>> layer.adapt(np.arange(100.0))
    >>> [round(b, 3) for b in layer.bin_boundaries]   # approximate quartiles, as Keras
    [24.0, 49.0, 74.0]
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.output_mode = check_output_mode(output_mode, ("int", "one_hot", "multi_hot",
                                                           "count"), "Discretization")
        if sparse:
            raise ValueError("`sparse=True` is not supported by neurx's Discretization (as "
                             "with Keras's JAX backend). Received: sparse=True")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be >= 0. Received: num_bins={num_bins}")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. "
                             f"Received: num_bins={num_bins} and bin_boundaries={bin_boundaries}")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        if bin_boundaries is not None and list(bin_boundaries) != sorted(bin_boundaries):
            raise ValueError("`bin_boundaries` of Discretization must be sorted in increasing "
                             f"order. Received: bin_boundaries={bin_boundaries}")
        self.bin_boundaries = None if bin_boundaries is None else list(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.sparse = False
        self.summary = None if self.bin_boundaries else np.array([[], []], dtype="float32")

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Learns `num_bins - 1` boundaries as approximate quantiles of `data`."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`; use `num_bins` instead.")
        self.reset_state()
        for batch in iter_batches(data, batch_size, steps, dtype="float32"):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        summary = summarize(np.asarray(data, dtype="float32"), self.epsilon)
        self.summary = merge_summaries(summary, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is not None:
            summary = compress_summary(self.summary, 1.0 / self.num_bins)
            self.bin_boundaries = summary[0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = np.array([[], []], dtype="float32")

    @property
    def _depth(self):
        return (len(self.bin_boundaries) + 1 if self.bin_boundaries is not None
                else self.num_bins)

    def compute_output_spec(self, inputs, *args, **kwargs):
        dtype = "int32" if self.output_mode == "int" else self.compute_dtype
        return KerasTensor(encoded_shape(inputs.shape, self.output_mode, self._depth), dtype)

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can "
                             f"use the Discretization layer '{self.name}'.")
        boundaries = jnp.asarray(self.bin_boundaries, dtype="float32")
        indices = jnp.digitize(jnp.asarray(inputs), boundaries).astype("int32")
        if self.output_mode == "int":
            return indices
        return encode_categorical(indices, self.output_mode, self._depth, self.compute_dtype)

    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode,
                "sparse": self.sparse, "name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if config.get("bin_boundaries") is not None and config.get("num_bins") is not None:
            boundaries = config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = list(boundaries)
            return layer
        return cls(**config)
