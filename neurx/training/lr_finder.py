"""The learning-rate finder: grow the rate exponentially, watch the loss, suggest a rate.

The recipe of the notes (Hands-On ML, ch. 10-11): train for a few hundred
iterations while multiplying the learning rate by a constant factor each
iteration, from a tiny rate (1e-5) to a huge one (10); the loss first falls,
then shoots up; a good rate is about 10 times lower than where the loss is
lowest, just before it climbs. Afterwards the model gets its weights and
optimizer state back, as if the search had not happened.

What this module owns: `LearningRateFinder` (the callback doing the sweep,
the stop rule and the restore), `LearningRateFinderResult` (rates, losses,
suggestion, plot) and `find_learning_rate` (`neurx.utils.find_learning_rate`,
which `model.find_learning_rate` calls). The plot itself is in
`neurx.visualization.learning_curves`.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from neurx.training.callback import Callback
from neurx.visualization.learning_curves import plot_learning_rate_finder


class LearningRateFinderResult(NamedTuple):
    """What a learning-rate search found: `rates[i]` gave `losses[i]` (one per step).

    Unpacks as `rates, losses, suggested_learning_rate = result`.

    >>> result = LearningRateFinderResult([1e-3, 1e-2], [0.5, 0.4], 1e-3)
    >>> rates, losses, suggestion = result
    >>> suggestion
    0.001
    """
    rates: list
    losses: list
    suggested_learning_rate: float | None

    def plot(self, ax=None, figsize=(8, 5), skip_end: int = 0):
        """Plots loss against a log-scale learning rate and marks the suggestion."""
        return plot_learning_rate_finder(self.rates, self.losses, self.suggested_learning_rate,
                                         ax=ax, figsize=figsize, skip_end=skip_end)


def _check_range(start, end, steps) -> None:
    if not (isinstance(start, (int, float)) and isinstance(end, (int, float))) \
            or not 0 < start < end:
        raise ValueError("The learning-rate range must satisfy 0 < start < end, e.g. start=1e-5, "
                         f"end=10. Received: start={start!r}, end={end!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise ValueError(f"`steps` must be an integer >= 2. Received: steps={steps!r}")


class LearningRateFinder(Callback):
    """Multiplies the learning rate by a constant each batch, from `start` to `end`,
    recording the batch loss; stops when the loss explodes; restores the model.

    After `fit`, `rates` and `losses` hold one entry per batch and
    `suggested_learning_rate` is the rate at the lowest smoothed loss divided
    by 10 (the notes' rule of thumb). `neurx.utils.find_learning_rate` and
    `model.find_learning_rate` run it for you.

    Args:
        start: The first learning rate.
        end: The learning rate after `steps` batches.
        steps: How many batches the sweep lasts (`fit` is stopped after them).
        stop_factor: Stop once the smoothed loss exceeds `stop_factor` times
            its lowest value (or the loss is not finite).
        smoothing: The factor of the exponential moving average of the loss
            used to stop and to suggest (0 = none); default
            `1 - 20 / steps`, kept between 0 and 0.98.
        restore: Whether to put back the weights and the optimizer state
            (with its learning rate) at the end of `fit`.

    Example:

    >>> import numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")
    >>> finder = LearningRateFinder(start=1e-4, end=1.0, steps=40)
    >>> _ = model.fit(x, x.sum(axis=1), batch_size=16, epochs=3, verbose=0,
    ...               callbacks=[finder])
    >>> len(finder.rates) == len(finder.losses) <= 40
    True
    """

    def __init__(self, start: float = 1e-5, end: float = 10.0, steps: int = 500,
                 stop_factor: float = 4.0, smoothing: float | None = None,
                 restore: bool = True) -> None:
        super().__init__()
        _check_range(start, end, steps)
        if smoothing is None:
            smoothing = min(max(1.0 - 20.0 / steps, 0.0), 0.98)
        if not 0 <= smoothing < 1:
            raise ValueError(f"`smoothing` must be in [0, 1). Received: smoothing={smoothing!r}")
        self.start, self.end, self.steps = float(start), float(end), int(steps)
        self.stop_factor = float(stop_factor)
        self.smoothing = float(smoothing)
        self.restore = bool(restore)
        self.factor = (self.end / self.start) ** (1.0 / (self.steps - 1))
        self.rates: list[float] = []
        self.losses: list[float] = []
        self.smoothed_losses: list[float] = []

    def on_train_begin(self, logs=None) -> None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            raise RuntimeError("The learning-rate finder needs a compiled model: call "
                               "model.compile(optimizer=..., loss=...) first.")
        self._saved_weights = self.model.get_weights()
        self._saved_state = optimizer.state
        self._saved_rate = float(np.asarray(optimizer.learning_rate))
        self.rates, self.losses, self.smoothed_losses = [], [], []
        self._average, self._best = 0.0, math.inf
        self._set_rate(self.start)

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._epoch_sum = 0.0

    def on_train_batch_end(self, batch, logs=None) -> None:
        if len(self.rates) >= self.steps or "loss" not in (logs or {}):
            return
        # `logs["loss"]` is the running mean over the epoch: recover this batch's loss.
        epoch_sum = float(logs["loss"]) * (batch + 1)
        loss, self._epoch_sum = epoch_sum - self._epoch_sum, epoch_sum
        self.rates.append(float(np.asarray(self.model.optimizer.learning_rate)))
        self.losses.append(loss)
        count = len(self.losses)
        self._average = self.smoothing * self._average + (1 - self.smoothing) * loss
        smoothed = self._average / (1 - self.smoothing ** count)
        self.smoothed_losses.append(smoothed)
        exploded = not math.isfinite(loss) or smoothed > self.stop_factor * self._best
        self._best = min(self._best, smoothed)
        if exploded or count >= self.steps:
            self.model.stop_training = True
        else:
            self._set_rate(self.start * self.factor ** count)

    def on_train_end(self, logs=None) -> None:
        if self.restore:
            self.restore_model()

    def restore_model(self) -> None:
        """Puts back the weights and optimizer state saved when training began (once)."""
        if getattr(self, "_saved_weights", None) is None:
            return
        self.model.set_weights(self._saved_weights)
        self._saved_weights = None
        optimizer = self.model.optimizer
        optimizer.state = self._saved_state
        if self._saved_state is None:
            optimizer.learning_rate = self._saved_rate
        self.model.stop_training = False

    def _set_rate(self, rate: float) -> None:
        try:
            self.model.optimizer.learning_rate = rate
        except TypeError as error:
            raise TypeError("The learning-rate finder sets the learning rate at each step, so "
                            "the optimizer needs a float `learning_rate`, not a schedule: "
                            "compile with e.g. keras.optimizers.SGD(learning_rate=1e-3).") \
                from error

    @property
    def suggested_learning_rate(self) -> float | None:
        """The rate at the lowest smoothed loss, divided by 10 (None before any step)."""
        finite = [(s, r) for s, r in zip(self.smoothed_losses, self.rates) if math.isfinite(s)]
        if not finite:
            return None
        return min(finite)[1] / 10.0

    def result(self) -> LearningRateFinderResult:
        """The rates, losses and suggestion, with a `plot()` method."""
        return LearningRateFinderResult(list(self.rates), list(self.losses),
                                        self.suggested_learning_rate)


def find_learning_rate(model, x, y=None, start: float = 1e-5, end: float = 10.0,
                       steps: int = 500, batch_size: int = 32, stop_factor: float = 4.0,
                       smoothing: float | None = None, verbose: int = 0,
                       **fit_kwargs) -> LearningRateFinderResult:
    """Runs the learning-rate sweep on a compiled model and restores it afterwards.

    Trains on `(x, y)` for `steps` batches of `batch_size` while the rate grows
    exponentially from `start` to `end`, stopping early when the loss explodes.
    The weights, the optimizer state (and learning rate) and `model.history`
    are restored at the end. Extra keyword arguments go to `fit` (e.g.
    `sample_weight`).

    Returns:
        A `LearningRateFinderResult`: `rates`, `losses`, `suggested_learning_rate`
        (10 times below the rate of the lowest smoothed loss) and `.plot()`.

    Example:

    >>> import numpy as np
    >>> import neurx as keras
    >>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    >>> model.compile(optimizer="sgd", loss="mse")
    >>> x = np.random.default_rng(0).normal(size=(256, 2)).astype("float32")
    >>> result = find_learning_rate(model, x, x.sum(axis=1), start=1e-4, end=10, steps=60)
    >>> 1e-5 < result.suggested_learning_rate < 1.0
    True
    """
    if not getattr(model, "compiled", False) or getattr(model, "optimizer", None) is None:
        raise RuntimeError("You must call compile() before find_learning_rate(): the sweep "
                           "trains the model, so it needs a loss and an optimizer. For "
                           "example: model.compile(optimizer='sgd', loss='mse').")
    finder = LearningRateFinder(start, end, steps, stop_factor=stop_factor, smoothing=smoothing)
    first = x[0] if isinstance(x, (list, tuple)) else (next(iter(x.values()))
                                                       if isinstance(x, dict) else x)
    if hasattr(first, "shape"):
        batches = max(-(-int(first.shape[0]) // int(batch_size)), 1)
        epochs = -(-int(steps) // batches)
    else:  # a dataset or generator: fit stops once the sweep is done
        epochs = int(steps)
    history = getattr(model, "history", None)
    try:
        model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=verbose,
                  callbacks=[finder], **fit_kwargs)
    finally:
        finder.restore_model()  # also when fit raised before on_train_end
        model.history = history
    return finder.result()

