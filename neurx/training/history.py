"""`History`: the record of epoch logs that `fit` returns."""
from __future__ import annotations

from neurx.training.callback import Callback
from neurx.visualization.learning_curves import plot_history


class History(Callback):
    """Callback that records the epoch logs of `fit` into a `History` object.

    `fit` adds one automatically and returns it (also reachable as
    `model.history`). `history` maps each log key, in the order the keys
    first appear, to its list of per-epoch values; `epoch` lists the epoch
    indices of the last `fit` call.

    Like Keras 3, `on_train_begin` resets `epoch` but keeps `history`: a
    `History` passed to several `fit` calls accumulates their epochs.

    Example:

    >>> import types
    >>> history = History()
    >>> history.set_model(types.SimpleNamespace())
    >>> history.on_train_begin()
    >>> for epoch, loss in enumerate([0.9, 0.5]):
    ...     history.on_epoch_end(epoch, {"loss": loss, "val_loss": loss + 0.1})
    >>> history.history
    {'loss': [0.9, 0.5], 'val_loss': [1.0, 0.6]}
    >>> history.epoch
    [0, 1]
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs=None) -> None:
        self.epoch = []

    def plot(self, *args, **kwargs):
        """Plots the learning curves (see `neurx.utils.plot_history`); returns the Axes."""
        return plot_history(self, *args, **kwargs)

    def on_epoch_end(self, epoch, logs=None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        # Point the model at the latest record, as Keras does.
        if self.model is not None:
            self.model.history = self
