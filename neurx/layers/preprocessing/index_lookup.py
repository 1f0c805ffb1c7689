"""IndexLookup: the vocabulary machinery shared by StringLookup, IntegerLookup and
TextVectorization.

What it owns, all on the host in plain Python/NumPy: counting tokens during
`adapt()`, ordering the vocabulary exactly as Keras (most frequent first, ties
broken by the larger token first, which is Keras's reversed lexsort), the
special tokens (mask, OOV) and their indices, `set_vocabulary` /
`get_vocabulary` / `vocabulary_size`, inverse document frequencies for
"tf_idf", and the config. Subclasses provide the lookup itself
(`_lookup`, `_lookup_inverse`); the encoding of indices into vectors is
`encoding.encode_categorical`.
"""
from __future__ import annotations

import collections
import os

import numpy as np

from neurx import validation
from neurx.layers.layer import Layer
from neurx.layers.preprocessing.adapt_data import is_batch_stream, iter_batches
from neurx.layers.preprocessing.encoding import (
    OUTPUT_MODES,
    check_output_mode,
    encode_categorical,
    encoded_shape,
)
from neurx.symbolic import KerasTensor


def plain_list(value):
    """A config value as a plain list (arrays and tuples converted; None and paths kept)."""
    if value is None or isinstance(value, str):
        return value
    return np.asarray(value).tolist() if hasattr(value, "dtype") else list(value)


class IndexLookup(Layer):
    """Maps tokens to indices through a vocabulary (base of the lookup layers).

    Index layout, as in Keras: `[mask_token]` (only when `mask_token` is set and
    `output_mode="int"`), then `num_oov_indices` OOV indices, then the vocabulary.

    Example:
    >>> layer = IndexLookup(max_tokens=None, num_oov_indices=1, mask_token=None,
    ...                     oov_token="[UNK]", vocabulary_dtype="string")
    >>> layer.adapt([["a", "b", "b"]])
    >>> layer.get_vocabulary(), layer.vocabulary_size()
    (['[UNK]', 'b', 'a'], 3)
    """

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, oov_method="floormod", salt=None,
                 name=None, **kwargs):
        if max_tokens is not None:
            max_tokens = validation.whole_number(max_tokens, "max_tokens", type(self).__name__, 2)
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("If pad_to_max_tokens is True, `max_tokens` must be set. "
                             f"Received: max_tokens={max_tokens}")
        num_oov_indices = validation.whole_number(num_oov_indices, "num_oov_indices",
                                                  type(self).__name__, 0)
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError("`oov_method` must be 'floormod' or 'farmhash'. "
                             f"Received: oov_method={oov_method!r}")
        if salt is not None:
            if isinstance(salt, int):
                salt = [salt, salt]
            elif isinstance(salt, (tuple, list)) and len(salt) == 2:
                salt = list(salt)
            else:
                raise ValueError("`salt` must be an integer or a tuple of 2 integers. "
                                 f"Received: salt={salt}")
        output_mode = check_output_mode(output_mode, OUTPUT_MODES, type(self).__name__)
        if invert and output_mode != "int":
            raise ValueError("`output_mode` must be 'int' when `invert` is true. "
                             f"Received: output_mode={output_mode!r}")
        if sparse:
            raise ValueError(f"`sparse=True` is not supported by neurx's {type(self).__name__} "
                             "(as with Keras's JAX backend). Received: sparse=True")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError("`idf_weights` should only be set if `output_mode` is 'tf_idf'. "
                             f"Received: output_mode={output_mode!r}")
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("dtype", None)
        super().__init__(name=name, **kwargs)
        self.invert = bool(invert)
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.vocabulary_dtype = vocabulary_dtype
        self.oov_method = oov_method
        self.salt = salt
        self.input_vocabulary = None if isinstance(vocabulary, str) else vocabulary
        self.input_idf_weights = idf_weights
        self.idf_weights = None
        self._tokens: list = []
        self._table: dict = {}
        self._vocabulary_changed()
        self.reset_state()
        if output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument in 'tf_idf' output "
                             "mode, the `idf_weights` argument must also be provided.")
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # ------------------------------------------------------------------ tokens
    def _token(self, value):
        """One input value as a vocabulary key: a str for "string" vocabularies, else an int."""
        if self.vocabulary_dtype == "string":
            return value.decode(getattr(self, "encoding", "utf-8")) \
                if isinstance(value, bytes) else str(value)
        return int(value)

    def _oov_start_index(self) -> int:
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self) -> int:
        return self._oov_start_index() + self.num_oov_indices

    def vocabulary_size(self) -> int:
        """The number of indices, special tokens included."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True) -> list:
        """The tokens in index order: mask and OOV tokens first (unless excluded)."""
        vocab = [self.oov_token] * self._token_start_index() + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Replaces the vocabulary (a list, an array or a path to a one-token-per-line file)."""
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        if self.output_mode != "tf_idf" and idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is 'tf_idf'. "
                             f"Received: output_mode={self.output_mode!r} and idf_weights.")
        if isinstance(vocabulary, (str, os.PathLike)):
            if not os.path.exists(vocabulary):
                raise ValueError(f"The `vocabulary` file {vocabulary!r} does not exist. "
                                 "Pass a list of tokens or the path of a vocabulary file.")
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = f.read().splitlines()
            while vocabulary and vocabulary[-1] == "":
                vocabulary.pop()
        try:
            vocabulary = [self._token(v) for v in np.asarray(vocabulary).reshape(-1).tolist()]
        except (TypeError, ValueError, OverflowError):
            kind = "strings" if self.vocabulary_dtype == "string" else "integers"
            raise TypeError(f"`vocabulary` of {type(self).__name__} must be a list of {kind} or "
                            f"the path of a vocabulary file. Received: vocabulary={vocabulary!r}"
                            ) from None
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        special = ([self.mask_token] * self._oov_start_index()
                   + [self.oov_token] * self.num_oov_indices)
        found_special = vocabulary[:token_start] == special
        tokens = vocabulary[token_start:] if found_special else vocabulary
        repeated = [t for t, c in collections.Counter(tokens).items() if c > 1]
        if repeated:
            raise ValueError("The passed vocabulary has at least one repeated term. Please "
                             f"uniquify your dataset. The repeated terms are: {repeated}")
        for token, what in ((self.mask_token, "mask"), (self.oov_token if self.invert else None,
                                                          "OOV")):
            if token is not None and token in tokens:
                raise ValueError(
                    f"Found reserved {what} token {token!r} at an unexpected location in "
                    "`vocabulary`. The passed vocabulary does not need the OOV and mask "
                    "tokens; either remove them or put them only at the start, in this "
                    f"order: {special}.")
        if self.max_tokens is not None and token_start + len(tokens) > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab "
                             f"size. Received vocabulary size is {token_start + len(tokens)}; "
                             f"`max_tokens` is {self.max_tokens}.")
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            idf = np.asarray(idf_weights, dtype="float64").reshape(-1)
            if len(idf) != len(vocabulary):
                raise ValueError("`idf_weights` must be the same length as the vocabulary. "
                                 f"len(idf_weights) is {len(idf)}; len(vocabulary) is "
                                 f"{len(vocabulary)}.")
            front = 0 if found_special else token_start
            front_value = 0.0 if found_special else float(np.mean(idf))
            back = (self.max_tokens - front - len(idf)
                    if self.pad_to_max_tokens and self.max_tokens is not None else 0)
            self.idf_weights = np.pad(idf, (front, back), constant_values=(front_value, 0.0)
                                      ).astype("float32")

    def _set_tokens(self, tokens):
        self._ensure_vocab_size_unchanged(self._token_start_index() + len(tokens))
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._table = {t: start + i for i, t in enumerate(self._tokens)}
        self._vocabulary_changed()
        self._frozen_vocab_size = self.vocabulary_size()

    def _vocabulary_changed(self):
        """Hook for subclasses that keep array views of the vocabulary."""

    def _ensure_vocab_size_unchanged(self, new_size):
        if self.output_mode == "int" or self.pad_to_max_tokens:
            return
        if self._frozen_vocab_size is not None and new_size != self._frozen_vocab_size:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                "the vocabulary size cannot be changed after it is set (the output width "
                f"depends on it). Old vocab size is {self._frozen_vocab_size}, new vocab "
                f"size is {new_size}.")

    # ------------------------------------------------------------------ adapt
    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Builds the vocabulary from `data`: an array or list of tokens (each row of a 2-D
        array is a document), or an iterable of batches."""
        self.reset_state()
        if is_batch_stream(data):
            for batch in iter_batches(data, batch_size, steps):
                self.update_state(batch)
        else:
            array = np.asarray(data)
            self.update_state(array[:, None] if array.ndim == 1 else array)
        self.finalize_state()

    def update_state(self, data) -> None:
        """Counts the tokens of one batch (rows are documents)."""
        array = np.asarray(data)
        if array.ndim == 0:
            array = array[None]
        if array.ndim == 1:
            array = array[None]
        self._count_documents([[self._token(v) for v in row] for row in
                               array.reshape(array.shape[0], -1).tolist()])

    def _count_documents(self, documents) -> None:
        """Adds the tokens of each document (a list of tokens) to the counts."""
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static "
                             "vocabulary via the `vocabulary` argument or `set_vocabulary()`.")
        for document in documents:
            self._counts.update(document)
            if self.output_mode == "tf_idf":
                self._document_counts.update(set(document))
                self._num_documents += 1

    def finalize_state(self) -> None:
        """Orders the counted tokens into the vocabulary (and idf weights)."""
        if self._has_input_vocabulary or not self._counts:
            self._frozen_vocab_size = self.vocabulary_size()
            return
        counts = dict(self._counts)
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        ordered = sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)
        if self.max_tokens:
            ordered = ordered[:self.max_tokens - self._token_start_index()]
        tokens = [token for token, _ in ordered]
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            document_counts = np.array([self._document_counts[t] for t in tokens], "float64")
            idf = np.log(1 + self._num_documents / (1 + document_counts))
            idf = np.pad(idf, (self._token_start_index(), 0), constant_values=np.mean(idf))
            if self.pad_to_max_tokens and self.max_tokens is not None:
                idf = np.pad(idf, (0, self.max_tokens - len(idf)))
            self.idf_weights = idf.astype("float32")
        self.reset_state()

    def reset_state(self) -> None:
        self._counts: collections.Counter = collections.Counter()
        self._document_counts: collections.Counter = collections.Counter()
        self._num_documents = 0

    # ------------------------------------------------------------------ encoding
    @property
    def _depth(self):
        return self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size

    def _ensure_known_vocab_size(self):
        if self.output_mode != "int" and not self.pad_to_max_tokens \
                and self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, "
                f"you must set the vocabulary of layer '{self.name}' before calling it: pass "
                "a `vocabulary` argument or call `adapt()` with some sample data.")

    def _mask_value(self) -> int:
        """The index a mask token maps to: 0 in "int" mode, else -1 (encodes as zeros)."""
        return 0 if self.output_mode == "int" else -1

    def _encode(self, indices):
        """Indices (int32) to the layer's output, per `output_mode`."""
        if self.output_mode == "int":
            return indices
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        out = encode_categorical(indices, mode, self._depth, "float32")
        return out * self.idf_weights if self.output_mode == "tf_idf" else out

    def compute_output_spec(self, inputs, *args, **kwargs):
        self._ensure_known_vocab_size()
        if self.output_mode == "int":
            dtype = self.vocabulary_dtype if self.invert else "int32"
            return KerasTensor(inputs.shape, "str" if dtype == "string" else dtype)
        return KerasTensor(encoded_shape(inputs.shape, self.output_mode, self._depth), "float32")

    def get_config(self):
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype,
                "idf_weights": plain_list(self.input_idf_weights),
                "vocabulary": plain_list(self.input_vocabulary),
                "vocabulary_size": self._frozen_vocab_size,
                "oov_method": self.oov_method, "salt": self.salt}

