"""StringLookup: strings to integer indices (and back), on the host.

Strings cannot enter `jax.jit`, so the lookup runs in NumPy inside `__call__`;
only the encoding of the resulting indices ("one_hot", "multi_hot", ...) runs
in JAX. Use the layer on the data (or in a data pipeline) before `fit`, as
Keras recommends for string preprocessing, and train the model on its output.
"""
from __future__ import annotations

import zlib

import numpy as np

from neurx.layers.preprocessing.index_lookup import IndexLookup
from neurx.symbolic import any_symbolic


class StringLookup(IndexLookup):
    """Maps strings to integer indices through a vocabulary (given or adapted).

    Index layout: `[mask_token]` (when set, "int" mode), `num_oov_indices` OOV
    indices, then the vocabulary ordered by decreasing frequency (ties: the larger
    string first), as Keras orders it.

    Args:
        max_tokens: maximum vocabulary size, special tokens included.
        num_oov_indices: indices reserved for out-of-vocabulary strings. With more than
            one, a string picks its OOV index by a stable CRC32 hash (Keras uses
            FarmHash, so the bucket of a given OOV string differs from Keras's).
        mask_token: a string that maps to index 0 (and is never in the vocabulary).
        oov_token: the token returned for OOV indices when `invert=True`.
        vocabulary: a list of strings or a path to a one-token-per-line file.
        idf_weights: inverse document frequencies, for "tf_idf" with a given vocabulary.
        invert: map indices back to strings (returns a NumPy array of `str`).
        output_mode: "int" (int32 indices; Keras gives int64), "one_hot", "multi_hot",
            "count" or "tf_idf".
        pad_to_max_tokens: encode to `max_tokens` wide vectors.
        sparse: only False is supported, as with Keras's JAX backend.
        encoding: text encoding of `bytes` inputs.

    Strings are processed on the host: call the layer on NumPy arrays of `str` (or
    lists), not inside a jitted function. A model that starts with this layer can not
    be fed strings through `fit`/`predict` yet: apply the layer to the data first and
    fit a model on the integer output.

    Example:
    >>> layer = StringLookup(vocabulary=["a", "b", "c", "d"])
    >>> layer([["a", "c", "d"], ["d", "z", "b"]]).tolist()
    [[1, 3, 4], [4, 0, 2]]
    >>> layer = StringLookup()
    >>> layer.adapt([["a", "c", "d"], ["d", "z", "b"]])
    >>> layer.get_vocabulary()
    ['[UNK]', 'd', 'z', 'c', 'b', 'a']
    >>> StringLookup(vocabulary=["a", "b"], invert=True)([[1, 2, 0]]).tolist()
    [['a', 'b', '[UNK]']]
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None,
                 salt=None, **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         salt=salt, vocabulary_dtype="string", **kwargs)

    # ------------------------------------------------------------------ host lookups
    def _strings(self, inputs) -> np.ndarray:
        array = np.asarray(inputs)
        if array.dtype.kind in "SO":
            flat = [self._token(v) for v in array.reshape(-1).tolist()]
            array = np.array(flat, dtype=str).reshape(array.shape)
        if array.dtype.kind != "U":
            raise TypeError(f"StringLookup layer '{self.name}' maps strings to indices, so it "
                            "expects strings (a NumPy array of str, or a list). Received an "
                            f"array of dtype {array.dtype}. To map indices back to strings, "
                            "use `invert=True`.")
        return array

    def _hash_bucket(self, token: str) -> int:
        start = self.salt[0] if self.salt else 0
        return zlib.crc32(token.encode(self.encoding), start & 0xFFFFFFFF) % self.num_oov_indices

    def lookup_indices(self, tokens) -> np.ndarray:
        """The int32 indices of an array of strings (mask and OOV rules applied)."""
        tokens = self._strings(tokens)
        uniques, inverse = np.unique(tokens.reshape(-1), return_inverse=True)
        missing = []
        mapped = np.empty(len(uniques), dtype="int32")
        for i, token in enumerate(uniques.tolist()):
            if self.mask_token is not None and token == self.mask_token:
                mapped[i] = self._mask_value()
            elif token in self._table:
                mapped[i] = self._table[token]
            elif self.num_oov_indices == 0:
                missing.append(token)
            elif self.num_oov_indices == 1:
                mapped[i] = self._oov_start_index()
            else:
                mapped[i] = self._oov_start_index() + self._hash_bucket(token)
        if missing:
            raise ValueError("When `num_oov_indices=0` all inputs should be in the vocabulary; "
                             f"found OOV values {missing[:10]} in layer '{self.name}'. "
                             "Consider setting `num_oov_indices=1`.")
        return mapped[inverse].reshape(tokens.shape)

    def _invert_indices(self, inputs) -> np.ndarray:
        indices = np.asarray(inputs)
        if indices.dtype.kind not in "iu":
            raise TypeError(f"StringLookup layer '{self.name}' with invert=True maps integer "
                            f"indices to strings. Received an array of dtype {indices.dtype}.")
        vocab = np.array(self.get_vocabulary() or [self.oov_token], dtype=str)
        valid = (indices >= self._token_start_index()) & (indices < self.vocabulary_size())
        out = np.where(valid, vocab[np.clip(indices, 0, len(vocab) - 1)], self.oov_token)
        if self.mask_token is not None:
            out = np.where(indices == 0, self.mask_token, out)
        return out

    # ------------------------------------------------------------------ calling
    def __call__(self, inputs, *args, **kwargs):
        if any_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        if self.invert:
            self.built = True
            return self._invert_indices(inputs)
        self._ensure_known_vocab_size()
        return super().__call__(self.lookup_indices(inputs), *args, **kwargs)

    def call(self, inputs):
        """Encodes the indices found on the host by `__call__` (runs in JAX)."""
        return self._encode(inputs)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        return {**config, "encoding": self.encoding}
