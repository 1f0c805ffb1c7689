"""What IMDB and Reuters share: Keras's preprocessing of word-index sequences.

What this module owns, in the order the loaders apply it (each step as Keras does it, so the
same arguments give the same arrays): `shuffle` (one `RandomState` permutation for data and
labels), `offset_words` (prepend `start_char`, shift indices by `index_from`),
`remove_long_seq` (keep sequences *shorter* than `maxlen`), `limit_words` (indices outside
`[skip_top, num_words)` become `oov_char`, or are dropped when `oov_char` is None).
"""
from __future__ import annotations

import numpy as np

__all__ = ["shuffle", "offset_words", "remove_long_seq", "limit_words"]


def shuffle(rng: np.random.RandomState, xs: np.ndarray, labels: np.ndarray):
    """`xs` and `labels` reordered by one permutation drawn from `rng` (Keras's shuffle).

    >>> xs, labels = shuffle(np.random.RandomState(113), np.arange(4), np.arange(4) * 10)
    >>> bool((labels == xs * 10).all())
    True
    """
    indices = np.arange(len(xs))
    rng.shuffle(indices)
    return xs[indices], labels[indices]


def offset_words(xs, start_char: int | None, index_from: int) -> list[list[int]]:
    """Each sequence as a list, indices shifted by `index_from`, `start_char` prepended.

    >>> offset_words([[1, 5]], start_char=1, index_from=3)
    [[1, 4, 8]]
    >>> offset_words([[1, 5]], start_char=None, index_from=0)
    [[1, 5]]
    """
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in xs]
    if index_from:
        return [[w + index_from for w in x] for x in xs]
    return [[w for w in x] for x in xs]


def remove_long_seq(maxlen: int, seq, label):
    """Keeps the sequences (and their labels) whose length is below `maxlen`.

    >>> remove_long_seq(3, [[1, 2], [1, 2, 3]], [0, 1])
    ([[1, 2]], [0])
    """
    kept = [(x, y) for x, y in zip(seq, label) if len(x) < maxlen]
    return [x for x, _ in kept], [y for _, y in kept]


def limit_words(xs, num_words: int | None, skip_top: int, oov_char: int | None):
    """Keeps indices in `[skip_top, num_words)`; others become `oov_char` (dropped if None).

    With `num_words=None` the bound is the largest index present, which (as in Keras) is then
    itself out of range.

    >>> limit_words([[1, 4, 9, 12]], num_words=10, skip_top=2, oov_char=2)
    [[2, 4, 9, 2]]
    >>> limit_words([[1, 4, 9, 12]], num_words=10, skip_top=2, oov_char=None)
    [[4, 9]]
    """
    if not num_words:
        num_words = max(max(x) for x in xs)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in xs]
    return [[w for w in x if skip_top <= w < num_words] for x in xs]
