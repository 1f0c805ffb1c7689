"""Keras 2 spellings neurx still accepts, each announced once per process.

`SGD(lr=0.1)`, `optimizer.lr`, `Embedding(input_length=...)` and
`model.predict_classes()` come from Keras 2 / tf.keras textbooks. They keep
working; the first use of each spelling emits a `LegacyArgumentWarning`
naming the modern spelling, later uses are silent.
"""
from __future__ import annotations

import os
import sys
import warnings

_warned: set = set()
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _caller_stacklevel() -> int:
    """The stacklevel of the first frame outside the neurx package (the user's line)."""
    level, frame = 1, sys._getframe(1)
    while frame is not None and os.path.abspath(
            frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        level, frame = level + 1, frame.f_back
    return level


class LegacyArgumentWarning(UserWarning):
    """Warns that a Keras 2 spelling was used and names its Keras 3 replacement.

    Emitted once per process per spelling. Silence it with
    `warnings.filterwarnings("ignore", category=LegacyArgumentWarning)`.

    Example:
    >>> issubclass(LegacyArgumentWarning, UserWarning)
    True
    """


def warn_once(spelling: str, message: str) -> None:
    """Emits `message` as a LegacyArgumentWarning the first time `spelling` is seen.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_once("doctest_spelling", "`old` is deprecated, use `new`.")
    ...     warn_once("doctest_spelling", "`old` is deprecated, use `new`.")
    >>> len(caught)
    1
    """
    if spelling in _warned:
        return
    _warned.add(spelling)
    warnings.warn(message, LegacyArgumentWarning, stacklevel=_caller_stacklevel())


def reset() -> None:
    """Forgets which spellings already warned (for tests)."""
    _warned.clear()
