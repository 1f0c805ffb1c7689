"""IntegerLookup: integer tokens to contiguous indices (and back), traceable in JAX.

The vocabulary is held on the host; the lookup itself is a sorted search in
`jax.numpy`, so the layer also runs inside a model under `jit`.
"""
from __future__ import annotations

import zlib

import jax
import jax.numpy as jnp
import numpy as np

from neurx import validation
from neurx.layers.preprocessing.index_lookup import IndexLookup


class IntegerLookup(IndexLookup):
    """Maps integer tokens (e.g. raw category ids) to contiguous indices through a
    vocabulary (given or adapted).

    Index layout: `[mask_token]` (when set, "int" mode), `num_oov_indices` OOV
    indices, then the vocabulary ordered by decreasing frequency (ties: the larger
    integer first), as Keras orders it.

    Args:
        max_tokens: maximum vocabulary size, special tokens included.
        num_oov_indices: indices reserved for out-of-vocabulary values; with several, a
            value `v` takes OOV index `v % num_oov_indices` ("floormod", as Keras).
        mask_token: an integer that maps to index 0.
        oov_token: the value returned for OOV indices when `invert=True` (default -1).
        vocabulary: a list of integers or a path to a one-value-per-line file.
        vocabulary_dtype: only "int64" (as Keras); JAX computes in int32 by default,
            so tokens must fit in int32.
        idf_weights, invert, output_mode, sparse, pad_to_max_tokens, oov_method, salt:
            as in Keras ("int" outputs are int32 where Keras gives int64; "farmhash"
            buckets use a CRC32 hash and run on the host only).

    With `num_oov_indices=0` an OOV value raises an error on concrete inputs; inside a
    jitted function it maps to -1 (all zeros in the vector modes).

    Example:
    >>> layer = IntegerLookup(vocabulary=[12, 36, 1138, 42])
    >>> layer([[12, 1138, 42], [42, 1000, 36]]).tolist()
    [[1, 3, 4], [4, 0, 2]]
    >>> layer = IntegerLookup()
    >>> layer.adapt([[12, 1138, 42], [42, 1000, 36]])
    >>> layer.get_vocabulary()
    [-1, 42, 1138, 1000, 36, 12]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        validation.whole_number(oov_token, "oov_token", "IntegerLookup", minimum=None)
        if mask_token is not None:
            validation.whole_number(mask_token, "mask_token", "IntegerLookup", minimum=None)
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported, as in Keras. "
                             f"Received: vocabulary_dtype={vocabulary_dtype!r}")
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, oov_method=oov_method,
                         salt=salt, name=name, **kwargs)

    def _vocabulary_changed(self):
        keys = np.asarray(self._tokens, dtype="int64")
        order = np.argsort(keys, kind="stable")
        self._sorted_keys = keys[order]
        self._sorted_indices = (order + self._token_start_index()).astype("int32")
        self._inverse_table = np.asarray(self.get_vocabulary() or [0], dtype="int64")

    # ------------------------------------------------------------------ lookups
    def _oov_buckets(self, x):
        if self.oov_method == "floormod":
            return jnp.mod(x, self.num_oov_indices)   # floor modulo, as tf.math.floormod
        if isinstance(x, jax.core.Tracer):
            raise ValueError(f"IntegerLookup layer '{self.name}' with oov_method='farmhash' "
                             "hashes on the host and cannot run inside a jitted function. "
                             "Use oov_method='floormod'.")
        start = self.salt[0] & 0xFFFFFFFF if self.salt else 0
        hashed = [zlib.crc32(str(v).encode(), start) % self.num_oov_indices
                  for v in np.asarray(x).reshape(-1).tolist()]
        return jnp.asarray(np.asarray(hashed, "int32").reshape(x.shape))

    def _lookup(self, x):
        if self._sorted_keys.size:
            keys = jnp.asarray(self._sorted_keys, dtype=x.dtype)
            pos = jnp.clip(jnp.searchsorted(keys, x), 0, keys.size - 1)
            found = keys[pos] == x
            indices = jnp.where(found, jnp.asarray(self._sorted_indices)[pos], -1)
        else:
            found = jnp.zeros(x.shape, bool)
            indices = jnp.full(x.shape, -1, "int32")
        if self.num_oov_indices == 1:
            indices = jnp.where(found, indices, self._oov_start_index())
        elif self.num_oov_indices > 1:
            buckets = self._oov_buckets(x) + self._oov_start_index()
            indices = jnp.where(found, indices, buckets)
        if self.mask_token is not None:
            indices = jnp.where(x == self.mask_token, self._mask_value(), indices)
        if self.num_oov_indices == 0 and not isinstance(indices, jax.core.Tracer):
            missing = np.asarray(x)[np.asarray(indices) == -1]
            if missing.size:
                raise ValueError("When `num_oov_indices=0` all inputs should be in the "
                                 f"vocabulary; found OOV values {missing[:10].tolist()} in "
                                 f"layer '{self.name}'. Consider setting `num_oov_indices=1`.")
        return indices.astype("int32")

    def _invert(self, x):
        table = jnp.asarray(self._inverse_table)
        valid = (x >= self._token_start_index()) & (x < self.vocabulary_size())
        oov = -1 if self.oov_token is None else self.oov_token
        out = jnp.where(valid, table[jnp.clip(x, 0, table.size - 1)], oov)
        if self.mask_token is not None:
            out = jnp.where(x == 0, self.mask_token, out)
        return out

    def call(self, inputs):
        inputs = jnp.asarray(inputs)
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype("int32")
        if self.invert:
            return self._invert(inputs)
        self._ensure_known_vocab_size()
        return self._encode(self._lookup(inputs))

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None and not isinstance(config["vocabulary"], str):
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        return config
