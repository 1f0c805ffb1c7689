"""`ReduceLROnPlateau`: lower the optimizer's learning rate when a quantity plateaus."""
from __future__ import annotations

import numpy as np

from neurx import validation
from neurx.callbacks.monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Reduce learning rate when a metric has stopped improving.

    After `patience` epochs without an improvement of at least `min_delta`,
    the optimizer's rate becomes `max(lr * factor, min_lr)`; then `cooldown`
    epochs pass before the count starts again. The callback logs the rate of
    the epoch as `learning_rate` (Keras 3) and `lr` (tf.keras 2), so
    `history.history["lr"]` lists it.

    Args:
        monitor: Quantity to be monitored. Defaults to `"val_loss"`.
        factor: Factor by which the learning rate is reduced,
            `new_lr = lr * factor`. Must be < 1.
        patience: Number of epochs with no improvement after which the
            learning rate is reduced.
        verbose: 0 is quiet, 1 prints a message on each reduction.
        mode: One of `{"auto", "min", "max"}`; `"auto"` infers the direction
            from the name of the monitored quantity.
        min_delta: Threshold for measuring the new optimum.
        cooldown: Number of epochs to wait before resuming normal operation
            after the learning rate has been reduced.
        min_lr: Lower bound on the learning rate.

    Example:

    >>> import types
    >>> optimizer = types.SimpleNamespace(learning_rate=0.1)
    >>> model = types.SimpleNamespace(optimizer=optimizer)
    >>> callback = ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1)
    >>> callback.set_model(model)
    >>> callback.on_train_begin()
    >>> for epoch, loss in enumerate([1.0, 1.0, 1.0]):
    ...     callback.on_epoch_end(epoch, {"loss": loss})
    >>> optimizer.learning_rate
    0.025
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.factor = validation.number_in_range(factor, "factor", "ReduceLROnPlateau", 0, 1,
                                                 include_low=False, include_high=False)
        self.min_lr = validation.number_in_range(min_lr, "min_lr", "ReduceLROnPlateau", 0)
        self.patience = validation.whole_number(patience, "patience", "ReduceLROnPlateau", 0)
        self.verbose = verbose
        self.cooldown = validation.whole_number(cooldown, "cooldown", "ReduceLROnPlateau", 0)
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None) -> None:
        self._reset()

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op(logs)
        logs = logs if logs is not None else {}
        rate = float(self.model.optimizer.learning_rate)
        logs["learning_rate"] = rate
        logs["lr"] = rate
        current = logs.get(self.monitor)
        if current is None:
            self._missing_warning("Learning rate reduction is", logs)
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience and self._reduce_lr(epoch):
                self.cooldown_counter = self.cooldown
                self.wait = 0

    def _reduce_lr(self, epoch) -> bool:
        optimizer = self.model.optimizer
        old_lr = float(optimizer.learning_rate)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
        return True

    def in_cooldown(self) -> bool:
        """Whether the callback is waiting out `cooldown` after a reduction."""
        return self.cooldown_counter > 0
