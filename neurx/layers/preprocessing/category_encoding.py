"""CategoryEncoding: integer categories to one-hot, multi-hot or count vectors."""
from __future__ import annotations

import jax
import jax.numpy as jnp

from neurx import validation
from neurx.layers.layer import Layer
from neurx.layers.preprocessing.encoding import check_output_mode, encode_categorical


class CategoryEncoding(Layer):
    """Encodes integer features in `[0, num_tokens)` as dense vectors of size `num_tokens`.

    Args:
        num_tokens: the number of categories; inputs outside `[0, num_tokens)` encode as
            zeros (as with Keras's JAX backend).
        output_mode: "multi_hot" (default; 1 where a category occurs in the sample),
            "one_hot" (one vector per input value) or "count" (occurrences, optionally
            weighted by `count_weights` in the call).
        sparse: only False (dense outputs) is supported on JAX, as in Keras.

    Input shape: `(batch,)` or `(batch, n)` integers. A 1-D input is one sample for
    "multi_hot" and "count" (as in Keras), one value per sample for "one_hot".

    Example:
    >>> import numpy as np
    >>> CategoryEncoding(num_tokens=4, output_mode="one_hot")(np.array([3, 0])).tolist()
    [[0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]]
    >>> CategoryEncoding(num_tokens=4)(np.array([[0, 1], [1, 3]])).tolist()
    [[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 1.0]]
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        self.output_mode = check_output_mode(output_mode, ("one_hot", "multi_hot", "count"),
                                             "CategoryEncoding")
        if num_tokens is None:
            raise ValueError("`num_tokens` must be set to use CategoryEncoding. If the number "
                             "of tokens is not known beforehand, use IntegerLookup instead.")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}")
        if sparse:
            raise ValueError("`sparse=True` is not supported by neurx (JAX has no sparse "
                             "outputs for this layer, as in Keras's JAX backend). "
                             "Received: sparse=True")
        self.num_tokens = int(num_tokens)
        self.sparse = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None and self.output_mode != "count":
            raise ValueError("`count_weights` is only used when `output_mode` is 'count'. "
                             f"Received: output_mode={self.output_mode!r} and count_weights.")
        inputs = jnp.asarray(inputs)
        if jnp.issubdtype(inputs.dtype, jnp.floating):
            inputs = inputs.astype("int32")
        if not isinstance(inputs, jax.core.Tracer):
            self.check_host_inputs(inputs)
        return encode_categorical(inputs, self.output_mode, self.num_tokens,
                                  self.dtype, count_weights=count_weights)

    def check_host_inputs(self, inputs):
        validation.indices_within(inputs, self.num_tokens, "num_tokens",
                                  f"CategoryEncoding layer '{self.name}'")

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens,
                "output_mode": self.output_mode}
