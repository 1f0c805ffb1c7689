"""`ModelCheckpoint`: save the model (or its weights) during training, as Keras 3 does.

The file name may hold templates filled from the epoch and the logs
(`"model-{epoch:02d}-{val_loss:.2f}.keras"`); with `save_best_only` a file is
written only when the monitored quantity improves. Every write is atomic (see
`neurx.saving.atomic`), so a run killed while saving leaves the previous file.
The callback only calls `model.save` / `model.save_weights`.
"""
from __future__ import annotations

import os
import warnings

import numpy as np

from neurx.callbacks.monitor import MonitorCallback
from neurx.support.folders import make_folders
from neurx.training.callback import CallbackWarning


class ModelCheckpoint(MonitorCallback):
    """Saves the model or its weights at some frequency during `fit`.

    Args:
        filepath: where to save; may contain `{epoch:02d}`, `{batch}` and any
            logged key, e.g. `{val_loss:.2f}`. `.keras` (default format),
            `.h5` (Keras 2's format) or, with `save_weights_only=True`,
            `.weights.h5` (any other name also works, see `Model.save`).
        monitor: the logged quantity `save_best_only` compares (default "val_loss").
        verbose: 1 prints a line whenever the callback saves (or declines to).
        save_best_only: save only when `monitor` improves on the best so far.
        save_weights_only: call `save_weights` instead of `save`.
        mode: "auto", "min" or "max": which direction is an improvement.
        save_freq: "epoch", or an integer N to save every N batches.
        initial_value_threshold: the "best" value to beat before the first save.

    Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> folder = tempfile.mkdtemp()
    >>> checkpoint = ModelCheckpoint(os.path.join(folder, "model-{epoch:02d}.keras"),
    ...                              monitor="loss", save_best_only=True)
    >>> _ = model.fit(np.ones((8, 2)), np.zeros(8), epochs=2, verbose=0,
    ...               callbacks=[checkpoint])
    >>> sorted(os.listdir(folder))
    ['model-01.keras', 'model-02.keras']
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' or a "
                             "positive integer (a number of batches).")
        if isinstance(save_freq, int):
            # Only a batch-counting checkpoint needs to see every batch.
            self.on_train_batch_end = self._save_on_batch

    def on_train_begin(self, logs=None) -> None:
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.monitor_op is None:
            self._set_monitor_op(logs)  # late: the model's metrics exist by now
        if self.save_freq == "epoch":
            self._save_model(epoch, None, logs)

    def _save_on_batch(self, batch, logs=None) -> None:
        if self.monitor_op is None and self.save_best_only:
            self._set_monitor_op(logs)
        if self._should_save_on_batch(batch):
            self._save_model(self._current_epoch, batch, logs)

    def _should_save_on_batch(self, batch) -> bool:
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1          # a new epoch started
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, logs, filepath) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = (logs or {}).get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available. Available "
                          f"keys: {list(logs or {})}.", CallbackWarning, stacklevel=3)
            return True
        if np.ndim(current) > 0:
            warnings.warn("Can save best model only when `monitor` is a scalar value. "
                          f"Received: {current}. Falling back to `save_best_only=False`.",
                          CallbackWarning, stacklevel=3)
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _get_file_path(self, epoch, batch, logs) -> str:
        logs = dict(logs or {})
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {error}. Available keys: epoch, batch, "
                           f"{', '.join(logs)}.") from None

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError("Please specify a non-directory filepath for "
                                    f"ModelCheckpoint. Filepath used is an existing "
                                    f"directory: {filepath}")
        make_folders(os.path.dirname(filepath), filepath)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")
