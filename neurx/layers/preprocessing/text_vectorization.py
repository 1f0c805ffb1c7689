"""TextVectorization: raw strings to token indices or bag-of-words vectors.

Strings cannot enter `jax.jit`: standardizing, splitting, n-grams and the
vocabulary lookup run on the host in `__call__` (NumPy and Python strings);
only the encoding of the indices into vectors runs in JAX. The Keras pattern
applies: vectorize the texts first (`vectorizer(texts)`, or in the data
pipeline), then fit a model on the integer output.
"""
from __future__ import annotations

import numpy as np

from neurx import validation
from neurx.layers.layer import Layer
from neurx.layers.preprocessing import text_ops
from neurx.layers.preprocessing.adapt_data import is_batch_stream, iter_batches
from neurx.layers.preprocessing.encoding import OUTPUT_MODES, check_output_mode
from neurx.layers.preprocessing.index_lookup import plain_list
from neurx.layers.preprocessing.string_lookup import StringLookup
from neurx.symbolic import KerasTensor, any_symbolic


def _check_choice(value, allowed, arg):
    if value is not None and not callable(value) and value not in allowed:
        raise ValueError(f"Unknown value for `{arg}` of TextVectorization: expected one of "
                         f"{list(allowed)}, None or a callable. Received: {arg}={value!r}")


class TextVectorization(Layer):
    """Turns strings into sequences of token indices ("int") or into per-document
    vectors ("multi_hot", "count", "tf_idf"), with a vocabulary given or adapted.

    Processing, as Keras: standardize each string, split it into tokens, optionally
    form n-grams, then look the tokens up (index 0 is the padding/mask token `""`,
    index 1 the OOV token `"[UNK]"` in "int" mode; the vocabulary is ordered by
    decreasing frequency, ties broken by the larger token first).

    Args:
        max_tokens: maximum vocabulary size, special tokens included.
        standardize: "lower_and_strip_punctuation" (default), "lower",
            "strip_punctuation", None, or a callable taking and returning a NumPy
            array of `str`.
        split: "whitespace" (default), "character", None (each string is one token), or
            a callable taking a 1-D NumPy array of `str` and returning token lists.
        ngrams: None, an integer n (all widths 1..n) or a tuple of widths.
        output_mode: "int" (int32; Keras gives int64), "multi_hot", "count", "tf_idf"
            ("one_hot" only with `split=None`).
        output_sequence_length: "int" mode only: pad or truncate every sequence to this
            length (otherwise pad to the longest in the batch).
        pad_to_max_tokens: vector modes: make vectors `max_tokens` wide.
        vocabulary, idf_weights: a vocabulary (list or file path) and its idf weights.
        sparse, ragged: only False, as with Keras's JAX backend.
        encoding: text encoding of `bytes` inputs.

    Input: a 1-D array or list of strings (or shape `(batch, 1)`); a single string
    gives a single sequence. This runs on the host, not inside `jit`: a model that
    starts with this layer cannot be fed raw strings through `fit`/`predict` yet, so
    vectorize the data first and fit on the integers (Keras's recommended pattern).

    Example:
    >>> vectorizer = TextVectorization(output_sequence_length=4)
    >>> vectorizer.adapt(["The cat sat.", "The dog sat on the cat!"])
    >>> vectorizer.get_vocabulary()
    ['', '[UNK]', 'the', 'sat', 'cat', 'on', 'dog']
    >>> vectorizer(["the cat ran", "dog"]).tolist()
    [[2, 4, 1, 0], [6, 0, 0, 0]]
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        _check_choice(standardize, text_ops.STANDARDIZE_MODES, "standardize")
        _check_choice(split, text_ops.SPLIT_MODES, "split")
        output_mode = check_output_mode(output_mode, OUTPUT_MODES, "TextVectorization")
        if sparse or ragged:
            raise ValueError("`sparse=True` and `ragged=True` need the TensorFlow backend in "
                             "Keras and are not supported by neurx. "
                             f"Received: sparse={sparse}, ragged={ragged}")
        if isinstance(ngrams, list):
            ngrams = tuple(ngrams)
        if not (ngrams is None or isinstance(ngrams, int) and ngrams >= 1 or
                (isinstance(ngrams, tuple) and ngrams and
                 all(isinstance(n, int) and n >= 1 for n in ngrams))):
            raise ValueError("`ngrams` of TextVectorization must be None, an integer >= 1, or "
                             f"a tuple of integers >= 1. Received: ngrams={ngrams}")
        if max_tokens is not None:
            validation.whole_number(max_tokens, "max_tokens", "TextVectorization", 2)
        if output_mode == "int":
            output_sequence_length = validation.optional_whole_number(
                output_sequence_length, "output_sequence_length", "TextVectorization")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is "
                             "not 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        self._ngrams = tuple(range(1, ngrams + 1)) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_input_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)

    # ------------------------------------------------------------------ vocabulary
    def get_vocabulary(self, include_special_tokens=True) -> list:
        """The vocabulary in index order (`""` and `"[UNK]"` first in "int" mode)."""
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self) -> int:
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Builds the vocabulary from texts: an array or list of strings, or an iterable
        of batches of strings."""
        self.reset_state()
        if is_batch_stream(data) or batch_size is not None:
            for batch in iter_batches(data, batch_size, steps):
                self.update_state(batch)
        else:
            self.update_state(data)
        self.finalize_state()

    def update_state(self, data) -> None:
        documents = self._preprocess(data)
        if self._split is None:
            documents = [[t] for t in documents.reshape(-1).tolist()]
        self._lookup_layer._count_documents(documents)

    def finalize_state(self) -> None:
        self._lookup_layer.finalize_state()

    def reset_state(self) -> None:
        self._lookup_layer.reset_state()

    # ------------------------------------------------------------------ processing
    def _strings(self, inputs) -> np.ndarray:
        array = np.asarray(inputs)
        if array.dtype.kind in "SO":
            flat = [v.decode(self._encoding) if isinstance(v, bytes) else str(v)
                    for v in array.reshape(-1).tolist()]
            array = np.array(flat, dtype=str).reshape(array.shape)
        if array.dtype.kind != "U":
            raise TypeError(f"TextVectorization layer '{self.name}' expects strings (a NumPy "
                            f"array of str, or a list). Received an array of dtype "
                            f"{array.dtype}.")
        return array

    def _preprocess(self, inputs):
        """Strings to token lists (or, with `split=None`, to a standardized str array)."""
        texts = text_ops.standardize(self._strings(inputs), self._standardize)
        if self._split is None:
            return texts
        if texts.ndim > 1:
            if texts.shape[-1] != 1:
                raise ValueError("When using TextVectorization to tokenize strings, the input "
                                 "rank must be 1 or the last dimension must be 1. Received: "
                                 f"inputs.shape={texts.shape} (layer '{self.name}').")
            texts = texts[..., 0]
        documents = text_ops.split(texts.reshape(-1), self._split)
        if self._ngrams is not None:
            documents = [text_ops.ngrams(doc, self._ngrams) for doc in documents]
        return documents

    def _indices(self, inputs) -> np.ndarray:
        """Token indices on the host: padded with 0 ("int") or -1 (vector modes)."""
        lookup = self._lookup_layer
        documents = self._preprocess(inputs)
        if self._split is None:
            indices = lookup.lookup_indices(documents)
            if self._output_mode != "int" and indices.ndim <= 1:
                indices = indices.reshape(-1, 1)
            return self._fit_length(indices, 0)
        pad = 0 if self._output_mode == "int" else -1
        width = max([len(d) for d in documents] + [0 if self._output_mode == "int" else 1])
        indices = np.full((len(documents), width), pad, dtype="int32")
        flat = [t for d in documents for t in d]
        if flat:
            found = lookup.lookup_indices(np.array(flat, dtype=str))
            rows = np.repeat(np.arange(len(documents)), [len(d) for d in documents])
            cols = np.concatenate([np.arange(len(d)) for d in documents])
            indices[rows, cols] = found
        return self._fit_length(indices, pad)

    def _fit_length(self, indices, pad):
        length = self._output_sequence_length
        if self._output_mode != "int" or length is None or indices.ndim < 2:
            return indices
        indices = indices[..., :length]
        missing = length - indices.shape[-1]
        if missing > 0:
            widths = [(0, 0)] * (indices.ndim - 1) + [(0, missing)]
            indices = np.pad(indices, widths, constant_values=pad)
        return indices

    def __call__(self, inputs, *args, **kwargs):
        if any_symbolic(inputs):
            return super().__call__(inputs, *args, **kwargs)
        scalar = np.ndim(inputs) == 0
        if scalar:
            inputs = [inputs]
        self._lookup_layer._ensure_known_vocab_size()
        if self._output_mode == "one_hot" and self._split is not None:
            raise ValueError("TextVectorization with output_mode='one_hot' needs `split=None` "
                             "(one token per string); with a split, use 'multi_hot' or "
                             f"'count'. Layer '{self.name}'.")
        outputs = super().__call__(self._indices(inputs), *args, **kwargs)
        return outputs[0] if scalar else outputs

    def call(self, inputs):
        """Encodes the indices found on the host by `__call__` (runs in JAX)."""
        return self._lookup_layer._encode(inputs)

    def compute_output_spec(self, inputs, *args, **kwargs):
        if self._output_mode == "int":
            shape = (inputs.shape[0], self._output_sequence_length) if self._split is not None \
                else inputs.shape
            return KerasTensor(shape, "int32")
        self._lookup_layer._ensure_known_vocab_size()
        return KerasTensor((inputs.shape[0], self._lookup_layer._depth), "float32")

    def get_config(self):
        lookup = self._lookup_layer
        return {**super().get_config(), "max_tokens": lookup.max_tokens,
                "standardize": self._standardize, "split": self._split,
                "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
                "output_sequence_length": self._output_sequence_length,
                "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False,
                "ragged": False, "vocabulary": plain_list(lookup.input_vocabulary),
                "idf_weights": plain_list(lookup.input_idf_weights),
                "encoding": self._encoding, "vocabulary_size": self.vocabulary_size()}
