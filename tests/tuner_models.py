"""Build functions and data for the tuner tests (importable by worker processes)."""
import os
import signal

import numpy as np

import neurx as keras


def regression_data(n=96, seed=0):
    rs = np.random.RandomState(seed)
    x = rs.normal(size=(n, 4)).astype("float32")
    y = (x @ np.array([1.0, -1.0, 0.5, 2.0], "float32")).astype("float32")
    return x[: n * 3 // 4], y[: n * 3 // 4], x[n * 3 // 4:], y[n * 3 // 4:]


def build_regressor(hp):
    """A small MLP whose width and learning rate are searched."""
    model = keras.Sequential([keras.layers.Input(shape=(4,))])
    if hp.Boolean("hidden"):
        with hp.conditional_scope("hidden", [True]):
            model.add(keras.layers.Dense(hp.Int("units", 2, 8), activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(
        learning_rate=hp.Float("learning_rate", 1e-3, 3e-2, sampling="log")))
    return model


class KillAt(keras.callbacks.Callback):
    """Kills its own process (SIGKILL, no clean-up) at `epoch` of its `nth_trial`-th trial."""

    def __init__(self, trial_epochs_seen, epoch, nth_trial=2):
        super().__init__()
        self.path = trial_epochs_seen
        self.epoch = epoch
        self.nth_trial = nth_trial

    def on_epoch_end(self, epoch, logs=None):
        with open(self.path, "a") as f:
            f.write(f"{epoch}\n")
        starts = open(self.path).read().split().count("0")
        if starts == self.nth_trial and epoch == self.epoch:
            os.kill(os.getpid(), signal.SIGKILL)
