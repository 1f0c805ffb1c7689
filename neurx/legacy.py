"""Keras 2 spellings neurx still accepts, each announced once per process.

`SGD(lr=0.1)`, `optimizer.lr`, `Embedding(input_length=...)` and
`model.predict_classes()` come from Keras 2 / tf.keras textbooks. They keep
working; the first use of each spelling emits a `LegacyArgumentWarning`
naming the modern spelling, later uses are silent.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import warnings

_warned: set = set()
_reading_file = threading.local()
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
    if spelling in _warned or getattr(_reading_file, "active", False):
        return
    _warned.add(spelling)
    warnings.warn(message, LegacyArgumentWarning, stacklevel=_caller_stacklevel())


@contextlib.contextmanager
def spelled_by_a_file():
    """Within it, Keras 2 spellings come from a saved file, not from the user's code: they
    are read silently (and still warn when the user writes them later).

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught, spelled_by_a_file():
    ...     warnings.simplefilter("always")
    ...     warn_once("doctest_file_spelling", "`old` is deprecated, use `new`.")
    >>> len(caught), "doctest_file_spelling" in _warned
    (0, False)
    """
    outer = getattr(_reading_file, "active", False)
    _reading_file.active = True
    try:
        yield
    finally:
        _reading_file.active = outer


def reset() -> None:
    """Forgets which spellings already warned (for tests)."""
    _warned.clear()
