"""The search algorithms: each picks optuna's sampler (and pruner) for a `Tuner`.

- `RandomSearch`: optuna's `RandomSampler`.
- `BayesianOptimization`: optuna's `TPESampler` (tree-structured Parzen estimators, a
  sequential model-based optimizer), random for the first `num_initial_points` trials.
- `Hyperband`: random configurations, stopped early by optuna's `HyperbandPruner`, which
  compares the trials' per-epoch objective in successive-halving brackets.

Trial `n` samples with a generator seeded from `(seed, n)`, so a seeded search draws the
same configurations whichever worker runs which trial.
"""
from __future__ import annotations

import math

import optuna

from neurx.tuners.tuner import Tuner


class RandomSearch(Tuner):
    """Random search over the hyperparameter space (optuna's `RandomSampler`).

    Takes the arguments of `Tuner` (`hypermodel`, `objective`, `max_trials`, `seed`,
    `directory`, `project_name`, `overwrite`, `storage`, ...).

    Example:
    >>> import tempfile
    >>> import numpy as np
    >>> import neurx as keras
    >>> def build_model(hp):
    ...     model = keras.Sequential([keras.layers.Dense(hp.Int("units", 2, 8),
    ...                                                  activation="relu", input_shape=(3,)),
    ...                               keras.layers.Dense(1)])
    ...     model.compile(loss="mse", optimizer=keras.optimizers.SGD(
    ...         hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")))
    ...     return model
    >>> tuner = RandomSearch(build_model, objective="val_loss", max_trials=2, seed=1,
    ...                      directory=tempfile.mkdtemp(), project_name="demo")
    >>> x, y = np.random.rand(32, 3), np.random.rand(32)
    >>> tuner.search(x, y, epochs=2, validation_split=0.25, verbose=0)
    >>> sorted(tuner.get_best_hyperparameters()[0].values)
    ['learning_rate', 'units']
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3, **kwargs):
        super().__init__(hypermodel, objective, max_trials, seed, hyperparameters,
                         tune_new_entries, allow_new_entries, max_retries_per_trial,
                         max_consecutive_failed_trials, **kwargs)

    def _sampler(self, number):
        return optuna.samplers.RandomSampler(seed=self._trial_seed(number))


class BayesianOptimization(Tuner):
    """Sequential model-based search with optuna's TPE sampler.

    Args:
        num_initial_points: Random trials before TPE models the results (default 3 times
            the number of hyperparameters seen so far, as KerasTuner's default).
        alpha, beta: KerasTuner's Gaussian-process settings; accepted for compatibility and
            unused (TPE has no such parameters).
        Other arguments: as `Tuner`.

    Example:
    >>> import tempfile
    >>> def build_model(hp):
    ...     import neurx as keras
    ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    ...     model.compile(loss="mse", optimizer=keras.optimizers.SGD(
    ...         hp.Float("learning_rate", 1e-3, 1e-1, sampling="log")))
    ...     return model
    >>> tuner = BayesianOptimization(build_model, objective="loss", max_trials=3,
    ...                              directory=tempfile.mkdtemp())
    >>> tuner.max_trials
    3
    """

    def __init__(self, hypermodel=None, objective=None, max_trials=10, num_initial_points=None,
                 alpha=1e-4, beta=2.6, seed=None, hyperparameters=None, tune_new_entries=True,
                 allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        self.num_initial_points = num_initial_points
        self.alpha, self.beta = alpha, beta
        super().__init__(hypermodel, objective, max_trials, seed, hyperparameters,
                         tune_new_entries, allow_new_entries, max_retries_per_trial,
                         max_consecutive_failed_trials, **kwargs)

    def _sampler(self, number):
        startup = self.num_initial_points
        if startup is None:
            study = getattr(self, "study", None)
            names = {name for t in (study.get_trials(deepcopy=False) if study else [])
                     for name in t.params}
            startup = 3 * max(1, len(names))
        return optuna.samplers.TPESampler(seed=self._trial_seed(number),
                                          n_startup_trials=int(startup))


class Hyperband(Tuner):
    """Hyperband: many random configurations, most stopped after a few epochs.

    Each trial trains for up to `max_epochs` epochs and reports its objective after every
    epoch to optuna's `HyperbandPruner` (`reduction_factor=factor`), which stops the
    trials that fall behind their bracket. The number of trials is Hyperband's: the
    configurations of all brackets, times `hyperband_iterations`. The `epochs` given to
    `search` are replaced by `max_epochs`.

    Example:
    >>> import tempfile
    >>> def build_model(hp):
    ...     import neurx as keras
    ...     model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
    ...     model.compile(loss="mse", optimizer="sgd")
    ...     return model
    >>> Hyperband(build_model, objective="val_loss", max_epochs=9, factor=3,
    ...           directory=tempfile.mkdtemp()).max_trials
    17
    """

    _prunes = True

    def __init__(self, hypermodel=None, objective=None, max_epochs=100, factor=3,
                 hyperband_iterations=1, seed=None, hyperparameters=None,
                 tune_new_entries=True, allow_new_entries=True, max_retries_per_trial=0,
                 max_consecutive_failed_trials=3, **kwargs):
        if int(max_epochs) < 1 or int(factor) < 2:
            raise ValueError(f"Hyperband needs max_epochs >= 1 and factor >= 2. Received: "
                             f"max_epochs={max_epochs}, factor={factor}.")
        self.max_epochs, self.factor = int(max_epochs), int(factor)
        self.hyperband_iterations = int(hyperband_iterations)
        super().__init__(hypermodel, objective, hyperband_trials(
            self.max_epochs, self.factor) * self.hyperband_iterations, seed, hyperparameters,
            tune_new_entries, allow_new_entries, max_retries_per_trial,
            max_consecutive_failed_trials, **kwargs)

    def _sampler(self, number):
        return optuna.samplers.RandomSampler(seed=self._trial_seed(number))

    def _pruner(self):
        return optuna.pruners.HyperbandPruner(min_resource=1, max_resource=self.max_epochs,
                                              reduction_factor=self.factor)

    def _fit_overrides(self) -> dict:
        return {"epochs": self.max_epochs}


def hyperband_trials(max_epochs: int, factor: int) -> int:
    """How many configurations one Hyperband iteration tries (all brackets together).

    >>> hyperband_trials(81, 3)
    143
    """
    s_max = 0
    while factor ** (s_max + 1) <= max_epochs:
        s_max += 1
    return sum(math.ceil((s_max + 1) / (s + 1) * factor ** s) for s in range(s_max + 1))
