"""`EarlyStopping`: stop `fit` when a monitored quantity stops improving (Keras 3 rules)."""
from __future__ import annotations

from neurx import validation
from neurx.callbacks.monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored metric has stopped improving.

    At the end of every epoch the callback compares the monitored value with
    the best one so far; after `patience` epochs without an improvement of
    at least `min_delta` it sets `model.stop_training = True`, and `fit`
    ends after that epoch.

    Args:
        monitor: Quantity to be monitored. Defaults to `"val_loss"`.
        min_delta: Minimum change in the monitored quantity to qualify as an
            improvement. Defaults to `0`.
        patience: Number of epochs with no improvement after which training
            will be stopped. Defaults to `0`.
        verbose: 0 is silent, 1 prints a message when the callback acts.
        mode: One of `{"auto", "min", "max"}`; `"auto"` infers the direction
            from the name of the monitored quantity. Defaults to `"auto"`.
        baseline: Baseline value for the monitored quantity: training stops
            if the model doesn't improve over it within `patience` epochs.
        restore_best_weights: Whether to restore the model weights of the
            epoch with the best monitored value at the end of training
            (whether or not training stopped early). Defaults to `False`.
        start_from_epoch: Number of warm-up epochs before monitoring starts.

    Attributes:
        stopped_epoch: The epoch (0-based) at which training stopped, or 0.
        best_weights: The weights of the best epoch (`restore_best_weights`).

    Example:

    >>> import types
    >>> model = types.SimpleNamespace(stop_training=False)
    >>> callback = EarlyStopping(monitor="loss", patience=2)
    >>> callback.set_model(model)
    >>> callback.on_train_begin()
    >>> for epoch, loss in enumerate([0.5, 0.4, 0.45, 0.41, 0.3]):
    ...     callback.on_epoch_end(epoch, {"loss": loss})
    ...     if model.stop_training:
    ...         break
    >>> callback.stopped_epoch, callback.best
    (3, 0.4)

    With `model.fit(x, y, epochs=100, callbacks=[callback])` training ends
    after epoch 4 (the fourth epoch, `stopped_epoch == 3`).
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0) -> None:
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = validation.whole_number(patience, "patience", "EarlyStopping", 0)
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = validation.whole_number(start_from_epoch, "start_from_epoch",
                                                        "EarlyStopping", 0)

    def on_train_begin(self, logs=None) -> None:
        # Instances may be reused across `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op(logs)  # late: the model's metrics exist by now
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Before any improvement, the current weights are the best.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Restart the count only when both the baseline and the best are beaten.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """The monitored value in `logs`, or `None` with a `CallbackWarning`."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            self._missing_warning("Early stopping", logs)
        return value
