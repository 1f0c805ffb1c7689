"""`Embedding`: integer indices to dense vectors, with an optional padding mask."""
from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from neurx import constraints, initializers, regularizers, validation
from neurx.layers.core import serialize_or_none
from neurx.layers.layer import Layer
from neurx.legacy import warn_once


def _positive_int(value, argument):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"`{argument}` must be a positive integer. Received: "
                         f"{argument}={value!r} (of type {type(value).__name__}).")
    return int(value)


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of fixed size.

    Row `i` of the `embeddings` matrix (shape `(input_dim, output_dim)`) is the
    vector of index `i`. Float inputs are cast to int32.

    Args:
        input_dim: size of the vocabulary (largest index + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of `embeddings` (default "uniform",
            i.e. uniform in [-0.05, 0.05]).
        embeddings_regularizer, embeddings_constraint, activity_regularizer: as in Keras.
        mask_zero: whether index 0 is padding; the layer then emits the mask
            `inputs != 0` for the layers after it (RNNs, pooling), and index 0 cannot
            be a word (`input_dim` should be the vocabulary size + 1).
        weights: optional initial embeddings matrix (or a one-element list of it).
        input_length: Keras 2 spelling. It is used as the declared input shape
            `(input_length,)` when the layer is first in a Sequential model, and
            warns once; prefer `keras.Input(shape=(input_length,))`.

    Index checking: an eager call on concrete arrays, and `fit` / `evaluate` /
    `predict` on arrays that feed the layer straight from a model input, raise a
    ValueError naming the layer, `input_dim` and the offending index when an index
    is negative or `>= input_dim`. Inside a compiled step nothing is checked and an
    out-of-range index reads the nearest row (XLA's gather; Keras on JAX gives NaN
    there): the lookup skips per-index bounds handling, which made the IMDB convnet's
    training step a third slower.

    Input shape: `(batch_size, input_length)` (any rank).
    Output shape: `(batch_size, input_length, output_dim)`.

    Example:
    >>> import numpy as np
    >>> layer = Embedding(1000, 64, mask_zero=True)
    >>> out = layer(np.array([[4, 20, 0]]))
    >>> out.shape, layer.embeddings.shape
    ((1, 3, 64), (1000, 64))
    >>> layer.compute_mask(np.array([[4, 20, 0]])).tolist()
    [[True, True, False]]
    """

    config_lists_activity_regularizer = True

    def __init__(self, input_dim, output_dim, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
                 weights=None, lora_rank=None, lora_alpha=None, quantization_config=None,
                 **kwargs):
        input_dim = _positive_int(input_dim, "input_dim")
        output_dim = _positive_int(output_dim, "output_dim")
        for argument, value in (("lora_rank", lora_rank), ("lora_alpha", lora_alpha),
                                ("quantization_config", quantization_config)):
            if value is not None:
                raise ValueError(f"Embedding does not support `{argument}` in neurx yet; "
                                 f"leave it as None. Received: {argument}={value!r}")
        input_length = kwargs.pop("input_length", None)
        super().__init__(**kwargs)
        if input_length is not None:
            warn_once("Embedding(input_length)",
                      "`Embedding(input_length=...)` is deprecated in Keras 3. neurx uses it "
                      "as the input shape; declare it instead with "
                      f"`keras.Input(shape=({input_length},))` or "
                      f"`input_shape=({input_length},)`.")
            if self._batch_input_shape is None:
                self._batch_input_shape = (kwargs.get("batch_size"), int(input_length))
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        if weights is not None:
            weights = weights if isinstance(weights, (list, tuple)) else [weights]
            self._initial_weights = list(weights)

    def build(self, input_shape=None):
        self.embeddings = self.add_weight(name="embeddings",
                                          shape=(self.input_dim, self.output_dim),
                                          initializer=self.embeddings_initializer,
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs):
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype("int32")
        if not isinstance(inputs, jax.core.Tracer):
            self.check_indices(inputs)
        return self.embeddings.value.at[inputs].get(mode="promise_in_bounds")

    def check_indices(self, inputs):
        """Raises a ValueError if an index of the (concrete) `inputs` is outside the vocabulary.

        >>> Embedding(10, 2, name="words").check_indices(np.array([[3, 12]]))
        Traceback (most recent call last):
        ...
        ValueError: Embedding layer 'words' received index 12, outside [0, 10) for input_dim=10. Expected every index in 0..9: raise `input_dim` or clip the data. Received: indices in [3, 12] (input shape (1, 2)).
        """
        validation.indices_within(inputs, self.input_dim, "input_dim",
                                  f"Embedding layer '{self.name}'")

    def check_host_inputs(self, inputs):
        self.check_indices(inputs if np.issubdtype(inputs.dtype, np.integer)
                           else inputs.astype("int64"))

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return jnp.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": serialize_or_none(regularizers,
                                                            self.embeddings_regularizer),
                "embeddings_constraint": serialize_or_none(constraints,
                                                           self.embeddings_constraint),
                "mask_zero": self.mask_zero}
