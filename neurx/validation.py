"""Checks of numeric arguments where they enter the public API.

Sizes, counts, lengths, rates and fractions are checked once, where a constructor or a
function receives them, so that nothing zero, negative, fractional or out of range reaches
a JAX shape computation. Every message names the argument, its owner (the layer or
function) and the value received.

Whole numbers follow tf.keras 2: a float with an integral value (`Dense(8.0)`) or a NumPy
integer is accepted as that int; `True`/`False`, strings and fractional floats are not.

Example:
>>> whole_number(8.0, "units", "Dense")
8
>>> whole_number(0, "units", "Dense")
Traceback (most recent call last):
ValueError: `units` of Dense must be an integer >= 1. Received: units=0
"""
from __future__ import annotations

import math
import numbers

import numpy as np


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _of(owner: str | None) -> str:
    return f" of {owner}" if owner else ""


def whole_number(value, name: str, owner: str | None = None, minimum: int | None = 1,
                 maximum: int | None = None) -> int:
    """`value` as an int in `[minimum, maximum]`; a ValueError naming `name` otherwise.

    >>> whole_number(3, "n", "RepeatVector")
    3
    >>> whole_number(2.5, "batch_size", "fit()")
    Traceback (most recent call last):
    ValueError: `batch_size` of fit() must be an integer >= 1. Received: batch_size=2.5
    """
    if _is_real(value) and math.isfinite(value) and float(value) == int(value) and \
            (minimum is None or int(value) >= minimum) and \
            (maximum is None or int(value) <= maximum):
        return int(value)
    wanted = "an integer" if minimum is None else f"an integer >= {minimum}" \
        if maximum is None else f"an integer from {minimum} to {maximum}"
    raise ValueError(f"`{name}`{_of(owner)} must be {wanted}. Received: {name}={value!r}"
                     + _type_note(value))


def optional_whole_number(value, name: str, owner: str | None = None, minimum: int = 1) -> int | None:
    """`None`, or `value` checked by `whole_number`.

    >>> optional_whole_number(None, "steps", "predict()") is None
    True
    """
    return None if value is None else whole_number(value, name, owner, minimum)


def number_in_range(value, name: str, owner: str | None = None, low: float = -math.inf,
                    high: float = math.inf, include_low: bool = True,
                    include_high: bool = True, or_none: bool = False) -> float:
    """`value` as a float inside the interval; a ValueError naming `name` otherwise.

    >>> number_in_range(0.5, "rate", "Dropout", 0, 1, include_high=False)
    0.5
    >>> number_in_range(-1e-3, "epsilon", "LayerNormalization", 0, include_low=False)
    Traceback (most recent call last):
    ValueError: `epsilon` of LayerNormalization must be a number > 0. Received: epsilon=-0.001
    """
    if _is_real(value) and not math.isnan(value):
        above = value >= low if include_low else value > low
        below = value <= high if include_high else value < high
        if above and below:
            return float(value)
    raise ValueError(f"`{name}`{_of(owner)} must be "
                     f"{_interval(low, high, include_low, include_high)}"
                     f"{' or None' if or_none else ''}. "
                     f"Received: {name}={value!r}" + _type_note(value))


def fraction(value, name: str, owner: str | None = None, include_high: bool = True) -> float:
    """A number in [0, 1] (or [0, 1) with `include_high=False`), such as a rate.

    >>> fraction(1.5, "momentum", "BatchNormalization")
    Traceback (most recent call last):
    ValueError: `momentum` of BatchNormalization must be a number from 0 to 1. Received: momentum=1.5
    """
    return number_in_range(value, name, owner, 0.0, 1.0, include_high=include_high)


def _interval(low, high, include_low, include_high) -> str:
    if low == -math.inf and high == math.inf:
        return "a number"
    if high == math.inf:
        return f"a number {'>=' if include_low else '>'} {_plain(low)}"
    if low == -math.inf:
        return f"a number {'<=' if include_high else '<'} {_plain(high)}"
    if include_low and include_high:
        return f"a number from {_plain(low)} to {_plain(high)}"
    return (f"a number in {'[' if include_low else '('}{_plain(low)}, {_plain(high)}"
            f"{']' if include_high else ')'}")


def _plain(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _type_note(value) -> str:
    return "" if _is_real(value) else f" (of type {type(value).__name__})"


def shape(value, name: str, owner: str | None = None, unknown: bool = True,
          one_inferred: bool = False) -> tuple:
    """A shape as a tuple of ints >= 1 (`None` for unknown sizes where `unknown`, one
    `-1` where `one_inferred`); a ValueError naming the argument and the bad size.

    >>> shape((28, None, 3), "shape", "Input")
    (28, None, 3)
    >>> shape((4, 0), "shape", "Input")
    Traceback (most recent call last):
    ValueError: `shape` of Input must hold sizes >= 1 (or None for an unknown size). Received: shape=(4, 0)
    """
    sizes = tuple(value) if isinstance(value, (tuple, list)) else None
    if sizes is not None:
        inferred = [d for d in sizes if _is_real(d) and d == -1]
        good = all((d is None and unknown) or (_is_real(d) and float(d) == int(d) and
                                               (d >= 1 or (d == -1 and one_inferred)))
                   for d in sizes) and len(inferred) <= (1 if one_inferred else 0)
        if good:
            return tuple(None if d is None else int(d) for d in sizes)
    allowed = " (or None for an unknown size)" if unknown else ""
    if one_inferred:
        allowed += " and at most one -1 (inferred)"
    raise ValueError(f"`{name}`{_of(owner)} must hold sizes >= 1{allowed}. "
                     f"Received: {name}={value!r}")


def axis(value, name: str, owner: str | None = None) -> int | tuple:
    """An axis (int) or several distinct ones (tuple of ints); a TypeError (or, for a
    repeated axis, a ValueError) naming the argument otherwise.

    >>> axis([1, -1], "axis", "Normalization")
    (1, -1)
    >>> axis("x", "axis", "Softmax")
    Traceback (most recent call last):
    TypeError: `axis` of Softmax must be an integer or a list of integers. Received: axis='x'
    """
    def whole(v):
        return _is_real(v) and math.isfinite(v) and float(v).is_integer()
    if whole(value):
        return int(value)
    if isinstance(value, (list, tuple)) and all(map(whole, value)):
        if len(set(map(int, value))) == len(value):
            return tuple(int(v) for v in value)
        raise ValueError(f"`{name}`{_of(owner)} must not repeat an axis. "
                         f"Received: {name}={value!r}")
    raise TypeError(f"`{name}`{_of(owner)} must be an integer or a list of integers. "
                    f"Received: {name}={value!r}")


def axes_of_input(value, ndim: int, name: str, owner: str | None = None) -> tuple[int, ...]:
    """An axis or a tuple of axes (as `axis` returns them) as distinct axes in `[0, ndim)`
    of an input with `ndim` axes; a ValueError naming the argument otherwise.

    >>> axes_of_input(-1, 3, "axis", "Softmax layer 'probs'")
    (2,)
    >>> axes_of_input((1, -2), 3, "axis", "Softmax")
    Traceback (most recent call last):
    ValueError: `axis` of Softmax names the same axis twice for an input with 3 axes. Received: axis=(1, -2)
    """
    axes = value if isinstance(value, (list, tuple)) else (value,)
    if any(not -ndim <= a < ndim for a in axes):
        raise ValueError(f"`{name}`{_of(owner)} must hold axes from {-ndim} to {ndim - 1} for "
                         f"an input with {ndim} axes. Received: {name}={value!r}")
    resolved = tuple(a % ndim for a in axes)
    if len(set(resolved)) < len(resolved):
        raise ValueError(f"`{name}`{_of(owner)} names the same axis twice for an input with "
                         f"{ndim} axes. Received: {name}={value!r}")
    return resolved


def numeric(value, name: str, owner: str | None = None):
    """`value` unchanged when it is a number or an array of numbers; a ValueError otherwise.

    >>> numeric([0.5, 2], "scale", "Rescaling")
    [0.5, 2]
    >>> numeric(None, "mask_value", "Masking")
    Traceback (most recent call last):
    ValueError: `mask_value` of Masking must be a number (or an array of numbers). Received: mask_value=None
    """
    try:
        kind = np.asarray(value).dtype.kind
    except (TypeError, ValueError):
        kind = "O"
    if kind in "biuf" and not isinstance(value, bool) and np.size(value) > 0:
        return value
    raise ValueError(f"`{name}`{_of(owner)} must be a number (or an array of numbers). "
                     f"Received: {name}={value!r}")


def indices_within(indices, size: int, name: str, owner: str) -> None:
    """Raises a ValueError naming `owner` and `name` where the concrete array `indices`
    holds an index outside `[0, size)` (the JAX kernels would clip it or return zeros).

    >>> indices_within(np.array([[3, 12]]), 10, "input_dim", "Embedding layer 'words'")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: Embedding layer 'words' received index 12, outside [0, 10) for input_dim=10. ...
    """
    if not hasattr(indices, "max"):   # a list; a device array is reduced where it lives
        indices = np.asarray(indices)
    if indices.size == 0:
        return
    high, low = int(indices.max()), int(indices.min())
    if high >= size or low < 0:
        raise ValueError(
            f"{owner} received index {high if high >= size else low}, outside [0, {size}) "
            f"for {name}={size}. Expected every index in 0..{size - 1}: raise `{name}` or "
            f"clip the data. Received: indices in [{low}, {high}] (input shape "
            f"{tuple(indices.shape)}).")
