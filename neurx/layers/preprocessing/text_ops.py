"""Host-side text processing for TextVectorization, matching TensorFlow's string ops.

What it owns: Keras's standardizations ("lower" lowercases ASCII letters only,
as `tf.strings.lower`; "strip_punctuation" removes the same ASCII punctuation
set as Keras's regex), splitting ("whitespace" splits on ASCII whitespace as
`tf.strings.split`; "character" on Unicode characters) and n-grams joined by a
space, all widths of a document in the order given (as `tf.strings.ngrams`).
"""
from __future__ import annotations

import re
import string

import numpy as np

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\r\v\f]+")
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

STANDARDIZE_MODES = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
SPLIT_MODES = ("whitespace", "character")


def standardize(texts: np.ndarray, mode) -> np.ndarray:
    """Applies a Keras standardization (a mode name, a callable or None) to str arrays.

    >>> standardize(np.array(["Hello, World!"]), "lower_and_strip_punctuation").tolist()
    ['hello world']
    """
    if mode is None:
        return texts
    if callable(mode):
        return np.asarray(mode(texts)).astype(str)
    flat = texts.reshape(-1).tolist()
    if mode in ("lower", "lower_and_strip_punctuation"):
        flat = [t.translate(_ASCII_LOWER) for t in flat]
    if mode in ("strip_punctuation", "lower_and_strip_punctuation"):
        flat = [_PUNCTUATION.sub("", t) for t in flat]
    return np.array(flat, dtype=str).reshape(texts.shape)


def split(texts: np.ndarray, mode) -> list[list[str]]:
    """Splits a 1-D array of documents into lists of tokens.

    >>> split(np.array(["a  b\\tc", "xy"]), "whitespace"), split(np.array(["xy"]), "character")
    ([['a', 'b', 'c'], ['xy']], [['x', 'y']])
    """
    if callable(mode):
        return [[str(t) for t in doc] for doc in mode(texts)]
    if mode == "character":
        return [list(t) for t in texts.tolist()]
    return [[t for t in _WHITESPACE.split(text) if t] for text in texts.tolist()]


def ngrams(tokens: list[str], widths) -> list[str]:
    """All n-grams of the given widths, width by width, joined by a space.

    >>> ngrams(["a", "b", "c"], (1, 2))
    ['a', 'b', 'c', 'a b', 'b c']
    """
    out = []
    for n in widths:
        out.extend(" ".join(tokens[i:i + n]) for i in range(len(tokens) - n + 1))
    return out
