"""Reuters newswire topics (`keras.datasets.reuters`): Keras's `reuters.npz` and word index.

11,228 newswires, each a list of word indices (words ranked by frequency), labelled with one of
46 topics (`get_label_names`).
"""
from __future__ import annotations

import json

import numpy as np

from neurx.datasets import sources
from neurx.datasets.safe_pickle import load_npz
from neurx.datasets.word_sequences import limit_words, offset_words, remove_long_seq, shuffle

__all__ = ["load_data", "get_word_index", "get_label_names"]

_LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path: str = "reuters.npz", num_words: int | None = None, skip_top: int = 0,
              maxlen: int | None = None, test_split: float = 0.2, seed: int = 113,
              start_char: int | None = 1, oov_char: int | None = 2, index_from: int = 3):
    """Loads the Reuters newswire dataset (Keras's published `reuters.npz`, SHA-256 checked).

    The newswires are shuffled with `np.random.RandomState(seed)`, given `start_char` and
    indices shifted by `index_from`, filtered, then split: the last `test_split` fraction is
    the test set, exactly as in Keras.

    Args:
        path: file name of the cached copy, in the cache folder.
        num_words: keep only the `num_words` most frequent words (indices below `num_words`);
            others become `oov_char`. `None` keeps all.
        skip_top: the `skip_top` most frequent words also become `oov_char`.
        maxlen: drop the newswires of `maxlen` indices or more (not truncated: left out).
        test_split: fraction of the newswires kept for the test set.
        seed: seed of the shuffle.
        start_char: index marking the start of each newswire (`None`: not added).
        oov_char: index replacing cut words (`None`: they are removed).
        index_from: shift of the word indices.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: `x_*` are object arrays of lists of int,
        `y_*` int arrays of topic indices 0-45.

    Example (downloads 2 MB the first time):

    >>> (x_train, y_train), (x_test, y_test) = load_data(num_words=10000)  # doctest: +SKIP
    >>> len(x_train), len(x_test), get_label_names()[y_train[0]]  # doctest: +SKIP
    (8982, 2246, 'earn')
    """
    arrays = load_npz(sources.fetch("reuters", "reuters.npz", path))
    xs, labels = shuffle(np.random.RandomState(seed), arrays["x"], arrays["y"])
    xs = offset_words(xs, start_char, index_from)
    if maxlen:
        xs, labels = remove_long_seq(maxlen, xs, labels)
        if not xs:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = limit_words(xs, num_words, skip_top, oov_char)
    idx = int(len(xs) * (1 - test_split))
    return ((np.array(xs[:idx], dtype="object"), np.array(labels[:idx])),
            (np.array(xs[idx:], dtype="object"), np.array(labels[idx:])))


def get_word_index(path: str = "reuters_word_index.json") -> dict[str, int]:
    """The word -> index mapping of Reuters (Keras's `reuters_word_index.json`, MD5 checked).

    Indices start at 1 (most frequent word, "the"); in `load_data`'s sequences a word's index
    is this value plus `index_from` (3 by default: 0 pads, 1 starts, 2 is out-of-vocabulary).

    Args:
        path: file name of the cached copy, in the cache folder.

    Example (downloads 0.5 MB the first time):

    >>> get_word_index()["the"]  # doctest: +SKIP
    1
    """
    with open(sources.fetch("reuters", "reuters_word_index.json", path)) as f:
        return json.load(f)


def get_label_names() -> tuple[str, ...]:
    """The 46 topic names, indexed as the labels of `load_data`.

    >>> names = get_label_names()
    >>> len(names), names[3], names[4]
    (46, 'earn', 'acq')
    """
    return _LABEL_NAMES
