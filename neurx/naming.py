"""Automatic object names as Keras gives them: `dense`, `dense_1`, `dense_2`, ..."""
from __future__ import annotations

import collections
import difflib
import re

_counts: collections.Counter = collections.Counter()


def to_snake_case(name: str) -> str:
    """'BatchNormalization' -> 'batch_normalization', 'Conv2D' -> 'conv2d'.

    >>> to_snake_case("BatchNormalization"), to_snake_case("Conv2D")
    ('batch_normalization', 'conv2d')
    """
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """The next free automatic name for `base` in this session.

    >>> reset(); unique_name("dense"), unique_name("dense")
    ('dense', 'dense_1')
    """
    n = _counts[base]
    _counts[base] += 1
    return base if n == 0 else f"{base}_{n}"


def reset() -> None:
    """Forgets every automatic name (what `keras.backend.clear_session()` does)."""
    _counts.clear()


def did_you_mean(name: str, choices) -> str:
    """A ' Did you mean ...?' hint naming the closest valid choice, or ''.

    >>> did_you_mean("aparse_categorical_crossentropy", ["sparse_categorical_crossentropy", "mse"])
    " Did you mean 'sparse_categorical_crossentropy'?"
    """
    close = difflib.get_close_matches(str(name), list(choices), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def unknown_key_hint(received, valid) -> str:
    """A hint naming the first key of `received` that is not in `valid`, with the closest
    valid one, or ''.

    >>> unknown_key_hint(["imag", "meta"], ["image", "meta"])
    " Unknown key 'imag'. Did you mean 'image'?"
    """
    unknown = [k for k in received if k not in valid]
    return f" Unknown key {unknown[0]!r}.{did_you_mean(unknown[0], valid)}" if unknown else ""


def check_kwargs(kwargs: dict, allowed, where: str, suggestions=()) -> None:
    """Raises TypeError for a keyword not in `allowed`, naming the nearest valid one.

    `suggestions` adds the function's own parameter names to the candidates.

    >>> check_kwargs({"epoch": 3}, (), "fit()", ["epochs", "batch_size"])
    Traceback (most recent call last):
    TypeError: fit() got an unexpected keyword argument 'epoch'. Did you mean 'epochs'?
    """
    for key in kwargs:
        if key not in allowed:
            raise TypeError(f"{where} got an unexpected keyword argument '{key}'."
                            f"{did_you_mean(key, list(allowed) + list(suggestions))}")
