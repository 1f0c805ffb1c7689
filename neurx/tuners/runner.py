"""Running one trial: build with the trial's hyperparameters, train, score, checkpoint.

`run_trial` builds and trains the model `executions_per_trial` times, checkpointing after
every epoch. A retried trial (one that was interrupted) finds its checkpoint, rebuilds
the same model, puts the weights and optimizer state back, and continues from the next
epoch. With a pruner (Hyperband), each epoch's objective is reported to optuna, and a
trial that should stop is stopped and raises `optuna.TrialPruned`.
"""
from __future__ import annotations

import copy
import os
from typing import NamedTuple

import numpy as np
import optuna

from neurx.callbacks import Callback
from neurx.tuners.checkpoint import (
    EpochCheckpoint,
    RestoreCheckpoint,
    load_arrays,
    save_arrays,
    trial_dir,
)
from neurx.tuners.hyperparameters import is_finite_number
from neurx.tuners.storage import origin, retried_trial


class TrialOutcome(NamedTuple):
    """What a finished trial reports: its score, best epoch and metrics there."""
    value: float
    best_step: int
    metrics: dict


class PruningReporter(Callback):
    """Reports the objective to optuna after each epoch; stops training when told to prune."""

    def __init__(self, trial, objective):
        super().__init__()
        self.trial = trial
        self.objective = objective
        self.pruned = False

    def on_epoch_end(self, epoch, logs=None):
        try:
            value = self.objective.epoch_values({k: [v] for k, v in (logs or {}).items()})[0]
        except ValueError:
            return
        if not is_finite_number(value):
            return
        self.trial.report(float(value), step=int(epoch))
        if self.trial.should_prune():
            self.pruned = True
            self.model.stop_training = True


def _copy_callbacks(callbacks) -> list:
    """Each execution gets its own copies (an EarlyStopping's counters start fresh)."""
    copies = []
    for callback in callbacks or []:
        try:
            copies.append(copy.deepcopy(callback))
        except Exception:  # not copyable (holds a lock, a file...): share it
            copies.append(callback)
    return copies


def run_trial(tuner, trial, hp, fit_args: tuple, fit_kwargs: dict) -> TrialOutcome:
    """Builds, trains and scores the trial's model(s); resumes from a checkpoint if any."""
    resumed = origin(trial)
    folder = trial_dir(tuner.project_dir, resumed)
    checkpoint_path = os.path.join(folder, "checkpoint.npz")
    saved = load_arrays(checkpoint_path) if retried_trial(trial) is not None else None
    meta, groups = saved if saved is not None else ({}, {})
    state = {"execution": int(meta.get("execution", 0)), "scores": list(meta.get("scores", []))}
    if saved is not None:
        trial.set_user_attr("neurx_resumed_from", {"trial": resumed, "epoch": int(meta["epoch"]),
                                                   "execution": state["execution"]})
    objective = tuner.objective
    winner = {"value": None}
    user_callbacks = fit_kwargs.get("callbacks")
    for execution in range(state["execution"], tuner.executions_per_trial):
        state["execution"] = execution
        resume = saved is not None and execution == int(meta.get("execution", 0))
        model = tuner._build_model(hp)
        history = {k: list(v) for k, v in meta.get("history", {}).items()} if resume else {}
        best = {"value": meta.get("best_value"), "epoch": meta.get("best_epoch"),
                "weights": groups.get("best") or None} if resume else {}
        callbacks = [RestoreCheckpoint(groups["weights"], groups.get("optimizer"))] if resume else []
        callbacks += _copy_callbacks(user_callbacks)
        callbacks.append(EpochCheckpoint(checkpoint_path, objective, state, history, best))
        reporter = None
        if tuner._prunes and execution == 0:
            reporter = PruningReporter(trial, objective)
            callbacks.append(reporter)
        kwargs = dict(fit_kwargs, callbacks=callbacks, **tuner._fit_overrides())
        if resume:
            kwargs["initial_epoch"] = int(meta["epoch"]) + 1
        result = tuner.hypermodel.fit(hp, model, *fit_args, **kwargs)
        value, step = _score(objective, result, history)
        state["scores"].append([value, step])
        if best.get("weights") is not None and (
                winner["value"] is None or objective.better(best["value"], winner["value"])):
            winner = {"value": best["value"], "weights": best["weights"]}
        elif winner["value"] is None:
            winner = {"value": value, "weights": model.get_weights()}
        _save_best_weights(folder, model, winner["weights"], state["scores"])
        if reporter is not None and reporter.pruned:
            _discard(checkpoint_path)
            raise optuna.TrialPruned(f"pruned at epoch {len(next(iter(history.values()), []))}")
    _discard(checkpoint_path)
    values = [v for v, _ in state["scores"]]
    mean = float(np.mean(values)) if all(is_finite_number(v) for v in values) else float("nan")
    best_step = int(state["scores"][-1][1])
    metrics = {k: v[best_step] for k, v in history.items() if best_step < len(v)}
    return TrialOutcome(mean, best_step, metrics)


def _score(objective, result, history: dict) -> tuple[float, int]:
    """The trial score from what `HyperModel.fit` returned (History, metrics dict or number)."""
    if is_finite_number(result) and not isinstance(result, bool):
        return float(result), 0
    if isinstance(result, dict) and result and not isinstance(next(iter(result.values())), list):
        return objective.epoch_values({k: [v] for k, v in result.items()})[0], 0
    if isinstance(result, dict):
        history = {**history, **result} if not history else history
    return objective.best_value(history)


def _save_best_weights(folder, model, weights, scores) -> None:
    input_shape = getattr(model, "input_shape", None)
    shape = list(input_shape) if isinstance(input_shape, tuple) else None
    save_arrays(os.path.join(folder, "best_weights.npz"), {"input_shape": shape, "scores": scores},
                weights=weights)


def load_best_model(tuner, number: int, hp):
    """Rebuilds a finished trial's model with its hyperparameters and best-epoch weights."""
    saved = load_arrays(os.path.join(trial_dir(tuner.project_dir, number), "best_weights.npz"))
    model = tuner._build_model(hp)
    if saved is None:
        raise FileNotFoundError(
            f"No saved weights for trial {number} in {tuner.project_dir}: the trial's files "
            "are missing (was the project directory moved or cleaned?).")
    meta, groups = saved
    if not model.built and meta.get("input_shape"):
        model.build(tuple(meta["input_shape"]))
    model.set_weights(groups["weights"])
    return model


def _discard(path: str) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass
