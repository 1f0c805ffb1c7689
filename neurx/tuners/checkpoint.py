"""Per-trial files: the after-each-epoch checkpoint, and the best epoch's weights.

`<project>/trial_<n>/checkpoint.npz` holds, after every epoch, the model weights, the
optimizer's variables, the epoch and execution reached, the metrics so far and the
best weights so far; a retried trial resumes from it. `best_weights.npz` holds the
weights of the trial's best epoch (what `get_best_models` loads). Files are written to a
temporary name and renamed, so a crash never leaves half a file.
"""
from __future__ import annotations

import json
import os

import numpy as np

from neurx.callbacks import Callback


def trial_dir(project_dir: str, number: int) -> str:
    """The folder of a trial's files (`trial_0007`).

    >>> trial_dir("proj", 7)
    'proj/trial_0007'
    """
    return os.path.join(project_dir, f"trial_{int(number):04d}")


def save_arrays(path: str, meta: dict, **groups) -> None:
    """Writes lists of arrays (by group name) and a JSON `meta` dict to one .npz, atomically."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    arrays = {f"{group}_{i}": np.asarray(a) for group, items in groups.items()
              for i, a in enumerate(items or [])}
    arrays["meta"] = np.array(json.dumps({**meta, "counts": {g: len(v or [])
                                                             for g, v in groups.items()}}))
    tmp = f"{path}.{os.getpid()}.tmp.npz"
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def load_arrays(path: str) -> tuple[dict, dict] | None:
    """`(meta, {group: [arrays]})` from `save_arrays`, or None when there is no file.

    >>> import tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.npz")
    >>> save_arrays(path, {"epoch": 3}, weights=[np.ones(2)])
    >>> meta, groups = load_arrays(path)
    >>> meta["epoch"], groups["weights"][0].tolist()
    (3, [1.0, 1.0])
    """
    if not os.path.exists(path):
        return None
    with np.load(path, allow_pickle=False) as data:
        meta = json.loads(str(data["meta"]))
        groups = {g: [data[f"{g}_{i}"] for i in range(n)] for g, n in meta["counts"].items()}
    return meta, groups


class EpochCheckpoint(Callback):
    """Saves the trial's checkpoint after every epoch and tracks its best epoch.

    `state` is the trial's running record (execution index, finished executions' scores,
    metrics so far); `objective` scores each epoch.
    """

    def __init__(self, path: str, objective, state: dict, history: dict, best: dict):
        super().__init__()
        self.path = path
        self.objective = objective
        self.state = state
        self.history = history
        self.best = best

    def on_epoch_end(self, epoch, logs=None):
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        try:
            value = self.objective.epoch_values(self.history)[-1]
        except (ValueError, IndexError):  # objective not logged: run_trial reports it
            value = None
        if value is not None and not np.isnan(value) and (
                self.best.get("value") is None or self.objective.better(value, self.best["value"])):
            self.best.update(value=value, epoch=epoch,
                             weights=[np.asarray(w) for w in self.model.get_weights()])
        meta = {**self.state, "epoch": int(epoch), "history": self.history,
                "best_value": self.best.get("value"), "best_epoch": self.best.get("epoch")}
        save_arrays(self.path, meta, weights=self.model.get_weights(),
                    optimizer=_optimizer_weights(self.model), best=self.best.get("weights"))


class RestoreCheckpoint(Callback):
    """Puts a checkpoint's weights and optimizer variables back when training starts."""

    def __init__(self, weights, optimizer_weights):
        super().__init__()
        self.weights = weights
        self.optimizer_weights = optimizer_weights

    def on_train_begin(self, logs=None):
        self.model.set_weights(self.weights)
        optimizer = self.model.optimizer
        if self.optimizer_weights and len(optimizer.variables) == len(self.optimizer_weights):
            optimizer.set_weights(self.optimizer_weights)


def _optimizer_weights(model) -> list:
    try:
        return [np.asarray(v) for v in model.optimizer.variables]
    except (AttributeError, ValueError):
        return []
