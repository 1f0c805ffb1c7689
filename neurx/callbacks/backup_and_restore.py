"""`BackupAndRestore`: resume a `fit` that was interrupted, from the last backup.

At the end of every epoch (or every `save_freq` batches) the callback writes
the model's weights and optimizer state to a new `backup-N.weights.h5` (Keras
3's layout), then atomically replaces `training_metadata.json`, which names
that file and the number of finished epochs, then removes the older weights
file. A run killed at any moment therefore leaves a metadata file that points
to complete weights of the epoch it names. When `fit` starts again with the
same folder, the callback loads them and asks the trainer to start at that
epoch (`model._initial_epoch`, as Keras 3 does); with the same seed the
resumed run ends with the same weights as a run that was never interrupted.
The callback only uses the model's public saving methods.
"""
from __future__ import annotations

import json
import os
import shutil

from neurx.support.folders import make_folders
from neurx.training.callback import Callback


def _write_json_atomically(path: str, data: dict) -> None:
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class BackupAndRestore(Callback):
    """Backs up the training state and restores it when `fit` is run again.

    Args:
        backup_dir: folder for the backup files (used by this callback only).
        save_freq: "epoch" (default), or an integer N to back up every N batches.
            Training resumes at the start of the epoch the backup was taken in.
        double_checkpoint: also keep the previous backup, used when the latest one
            cannot be read.
        delete_checkpoint: remove the backup folder when `fit` completes.

    Example:
    >>> import os, tempfile
    >>> import numpy as np
    >>> import neurx as keras
    >>> class Interrupt(keras.callbacks.Callback):
    ...     def on_epoch_begin(self, epoch, logs=None):
    ...         if epoch == 2:
    ...             raise RuntimeError("Interrupting!")
    >>> backup = BackupAndRestore(os.path.join(tempfile.mkdtemp(), "backup"))
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x, y = np.ones((8, 2)), np.zeros(8)
    >>> try:
    ...     model.fit(x, y, epochs=5, verbose=0, callbacks=[backup, Interrupt()])
    ... except RuntimeError:
    ...     pass
    >>> len(model.fit(x, y, epochs=5, verbose=0, callbacks=[backup]).history["loss"])
    3
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed. Give a folder for the backup.")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq="
                             f"{save_freq!r}. Expected either 'epoch' or a positive integer.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._metadata_path = os.path.join(self.backup_dir, "training_metadata.json")
        self._backup_count = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._current_epoch = 0
        if isinstance(save_freq, int):
            self.on_train_batch_end = self._backup_on_batch

    def on_train_begin(self, logs=None) -> None:
        if not os.path.exists(self._metadata_path):
            return
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, the model must be built "
                             f"before you call fit(). Model '{self.model.name}' is not built: "
                             "give its input shape or call it on a batch of data first.")
        with open(self._metadata_path) as f:
            metadata = json.load(f)
        try:
            self._restore(metadata)
        except (OSError, ValueError):
            if not metadata.get("previous"):
                raise
            self._restore(metadata["previous"])

    def _restore(self, metadata: dict) -> None:
        path = os.path.join(self.backup_dir, metadata.get("weights_file", "latest.weights.h5"))
        self.model.load_weights(path)
        self._backup_count = int(metadata.get("count", 0))
        self._current_epoch = int(metadata["epoch"])
        self.model._initial_epoch = self._current_epoch

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._current_epoch = epoch + 1
        self._last_batch_seen = 0
        if self.save_freq == "epoch":
            self._backup()

    def _backup_on_batch(self, batch, logs=None) -> None:
        if batch <= self._last_batch_seen:
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            self._backup()

    def _backup(self) -> None:
        make_folders(self.backup_dir)
        previous = None
        if os.path.exists(self._metadata_path):
            with open(self._metadata_path) as f:
                previous = json.load(f)
            previous.pop("previous", None)
        self._backup_count += 1
        name = f"backup-{self._backup_count}.weights.h5"
        self.model.save_weights(os.path.join(self.backup_dir, name), overwrite=True)
        metadata = {"epoch": self._current_epoch, "batch": self._last_batch_seen,
                    "weights_file": name, "count": self._backup_count,
                    "previous": previous if self.double_checkpoint else None}
        _write_json_atomically(self._metadata_path, metadata)
        keep = {name} | ({previous["weights_file"]} if self.double_checkpoint and previous
                         and "weights_file" in previous else set())
        for entry in os.listdir(self.backup_dir):
            if entry.startswith("backup-") and entry.endswith(".weights.h5") and entry not in keep:
                os.remove(os.path.join(self.backup_dir, entry))

    def on_train_end(self, logs=None) -> None:
        if self.delete_checkpoint and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)
