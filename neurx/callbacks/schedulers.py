"""`LearningRateScheduler`: set the optimizer's learning rate from a function of the epoch."""
from __future__ import annotations

import inspect
import numbers

from neurx.training.callback import Callback


def _takes_two_arguments(fn) -> bool:
    """Whether `fn` can be called as `fn(epoch, lr)` (else `fn(epoch)`)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # some builtins have no signature
        return True
    try:
        signature.bind(0, 0.1)
    except TypeError:
        return False
    return True


class LearningRateScheduler(Callback):
    """Learning rate scheduler.

    At the beginning of every epoch, this callback calls `schedule` with the
    epoch index (from 0) and the current learning rate — or with the epoch
    only, for a one-argument function (the Keras 2 form) — and sets the
    optimizer's learning rate to the result. At the end of the epoch the rate
    is logged as `learning_rate` (Keras 3) and `lr` (tf.keras 2).

    Args:
        schedule: A function `schedule(epoch, lr) -> new_lr` or
            `schedule(epoch) -> new_lr`, returning a float.
        verbose: 0 is quiet, 1 prints the rate set at each epoch.

    Example:

    >>> import math, types
    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 2 else lr * math.exp(-0.1)
    >>> optimizer = types.SimpleNamespace(learning_rate=0.01)
    >>> callback = LearningRateScheduler(scheduler)
    >>> callback.set_model(types.SimpleNamespace(optimizer=optimizer))
    >>> for epoch in range(4):
    ...     callback.on_epoch_begin(epoch)
    >>> round(optimizer.learning_rate, 5)
    0.00819
    """

    def __init__(self, schedule, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler expects a function `schedule(epoch, lr)` or "
                            f"`schedule(epoch)`. Received: schedule={schedule!r}")
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None) -> None:
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        if _takes_two_arguments(self.schedule):
            rate = self.schedule(epoch, float(optimizer.learning_rate))
        else:
            rate = self.schedule(epoch)
        is_scalar = isinstance(rate, numbers.Real) or getattr(rate, "shape", None) == ()
        if not is_scalar or isinstance(rate, bool):
            raise ValueError("The output of the `schedule` function should be a float. "
                             f"Got: {rate!r}")
        rate = float(rate)
        optimizer.learning_rate = rate
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def on_epoch_end(self, epoch, logs=None) -> None:
        if logs is None:
            return
        rate = float(self.model.optimizer.learning_rate)
        logs["learning_rate"] = rate
        logs["lr"] = rate
