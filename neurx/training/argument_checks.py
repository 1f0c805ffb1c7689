"""The counts and sizes `fit`, `evaluate` and `predict` receive, checked before any work.

Example:
>>> check_loop_arguments("fit()", batch_size=32, epochs=0, steps_per_epoch=None)
>>> check_loop_arguments("predict()", batch_size=0)
Traceback (most recent call last):
ValueError: `batch_size` of predict() must be an integer >= 1. Received: batch_size=0
"""
from __future__ import annotations

from neurx import validation

# argument: (smallest value, whether None means "the default")
_COUNTS = {
    "batch_size": (1, True),
    "validation_batch_size": (1, True),
    "epochs": (0, False),
    "initial_epoch": (0, False),
    "steps_per_epoch": (1, True),
    "validation_steps": (1, True),
    "validation_freq": (1, False),
    "steps": (1, True),
}


def check_loop_arguments(caller: str, **values) -> None:
    """Checks each count by its name (see `_COUNTS`), and `verbose` ("auto", 0, 1 or 2); a
    ValueError names the first bad one."""
    verbose = values.pop("verbose", "auto")
    if verbose != "auto":
        validation.whole_number(verbose, "verbose", caller, 0, 2)
    for name, value in values.items():
        minimum, optional = _COUNTS[name]
        if value is None and optional:
            continue
        validation.whole_number(value, name, caller, minimum)
