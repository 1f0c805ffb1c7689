"""IMDB movie-review sentiment (`keras.datasets.imdb`): Keras's `imdb.npz` and word index.

25,000 training and 25,000 test reviews, each a list of word indices (words ranked by
frequency: index 1 is the most frequent word), labelled 1 (positive) or 0 (negative).
"""
from __future__ import annotations

import json

import numpy as np

from neurx.datasets import sources
from neurx.datasets.safe_pickle import load_npz
from neurx.datasets.word_sequences import limit_words, offset_words, remove_long_seq, shuffle

__all__ = ["load_data", "get_word_index"]


def load_data(path: str = "imdb.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, seed: int = 113, start_char: int | None = 1,
              oov_char: int | None = 2, index_from: int = 3, **kwargs):
    """Loads the IMDB dataset (Keras's published `imdb.npz`, SHA-256 checked).

    Both sets are shuffled with `np.random.RandomState(seed)`, then each review gets
    `start_char` and its indices shifted by `index_from` (0 is left for padding, 1 for the
    start, 2 for out-of-vocabulary words), then the filters below apply, exactly as in Keras.

    Args:
        path: file name of the cached copy, in the cache folder.
        num_words: keep only the `num_words` most frequent words (indices below `num_words`);
            others become `oov_char`. `None` keeps all.
        skip_top: the `skip_top` most frequent words also become `oov_char`.
        maxlen: drop the reviews of `maxlen` indices or more (not truncated: left out).
        seed: seed of the shuffle.
        start_char: index marking the start of each review (`None`: not added).
        oov_char: index replacing cut words (`None`: they are removed).
        index_from: shift of the word indices.
        **kwargs: none is accepted (Keras 1's `nb_words` is now `num_words`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` are object arrays of lists of int,
        `y_*` int arrays of 0/1.

    Example (downloads 17 MB the first time):

    >>> (x_train, y_train), _ = load_data(num_words=10000)  # doctest: +SKIP
    >>> x_train.shape, x_train.dtype, x_train[0][:3]  # doctest: +SKIP
    ((25000,), dtype('O'), [1, 14, 22])
    >>> load_data(nb_words=100)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: imdb.load_data() got unexpected keyword arguments: ['nb_words'] (`nb_words` ...
    """
    if kwargs:
        hint = " (`nb_words` is now `num_words`)" if "nb_words" in kwargs else ""
        raise TypeError(f"imdb.load_data() got unexpected keyword arguments: "
                        f"{sorted(kwargs)}{hint}.")
    arrays = load_npz(sources.fetch("imdb", "imdb.npz", path))
    rng = np.random.RandomState(seed)
    x_train, labels_train = shuffle(rng, arrays["x_train"], arrays["y_train"])
    x_test, labels_test = shuffle(rng, arrays["x_test"], arrays["y_test"])
    x_train = offset_words(x_train, start_char, index_from)
    x_test = offset_words(x_test, start_char, index_from)
    if maxlen:
        x_train, labels_train = remove_long_seq(maxlen, x_train, labels_train)
        x_test, labels_test = remove_long_seq(maxlen, x_test, labels_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = limit_words(x_train + x_test, num_words, skip_top, oov_char)
    labels = np.concatenate([labels_train, labels_test])
    idx = len(x_train)
    return ((np.array(xs[:idx], dtype="object"), labels[:idx]),
            (np.array(xs[idx:], dtype="object"), labels[idx:]))


def get_word_index(path: str = "imdb_word_index.json") -> dict[str, int]:
    """The word -> index mapping of IMDB (Keras's `imdb_word_index.json`, MD5 checked).

    Indices start at 1 (most frequent word); in `load_data`'s sequences a word's index is this
    value plus `index_from`.

    Args:
        path: file name of the cached copy, in the cache folder.

    Example (downloads 1.6 MB the first time), decoding the first review:

    >>> index_from = 3
    >>> (x_train, _), _ = load_data(index_from=index_from)  # doctest: +SKIP
    >>> words = {i + index_from: w for w, i in get_word_index().items()}  # doctest: +SKIP
    >>> words.update({0: "[PAD]", 1: "[START]", 2: "[OOV]"})  # doctest: +SKIP
    >>> " ".join(words[i] for i in x_train[0][:5])  # doctest: +SKIP
    '[START] this film was just'
    """
    with open(sources.fetch("imdb", "imdb_word_index.json", path)) as f:
        return json.load(f)
