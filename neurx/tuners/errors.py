"""The exceptions that steer a search (KerasTuner's `keras_tuner.errors`).

Raised inside a build function or `HyperModel.fit`:

- `FailedTrialError`: this trial fails (recorded with its message, not retried) and the
  search goes on;
- `FatalError` and its `FatalValueError` / `FatalTypeError` / `FatalRuntimeError`: the
  search stops and the error reaches the caller of `search()`.

Any other exception is a crashed trial: recorded as failed (retried up to
`max_retries_per_trial` times) and the search goes on.
"""


class FailedTrialError(Exception):
    """Marks the current trial failed (no retry); the search continues.

    >>> issubclass(FailedTrialError, FatalError)
    False
    """


class FatalError(Exception):
    """Stops the search: a mistake that every trial would hit.

    >>> issubclass(FatalValueError, ValueError) and issubclass(FatalValueError, FatalError)
    True
    """


class FatalValueError(FatalError, ValueError):
    """A fatal error about a value (a search space, a model that is not compiled...)."""


class FatalTypeError(FatalError, TypeError):
    """A fatal error about a type (a build function that returns no model...)."""


class FatalRuntimeError(FatalError, RuntimeError):
    """A fatal error at run time."""
