"""Hyperparameter tuning (`neurx.tuners`, KerasTuner's interface) with optuna as the engine.

`RandomSearch`, `BayesianOptimization` (TPE) and `Hyperband` (optuna's pruner) search the
space a build function `build_model(hp)` defines with `HyperParameters`. Trials run in
one process, in several (`search(..., workers=2)`), or in processes on several machines
sharing an optuna RDB storage (`storage="postgresql://..."`); the default storage is an
SQLite file in the project directory. An interrupted search resumes where it stopped,
including the trial that was running, from its last epoch checkpoint.

optuna is imported on first use, not with `import neurx`.

>>> import neurx as keras
>>> keras.tuners.HyperParameters().Boolean("dropout")
False
"""
import importlib

__all__ = ["BayesianOptimization", "HyperModel", "HyperParameters", "Hyperband",
           "Objective", "RandomSearch", "Tuner", "errors"]

_EXPORTS = {"BayesianOptimization": "neurx.tuners.algorithms",
            "Hyperband": "neurx.tuners.algorithms",
            "RandomSearch": "neurx.tuners.algorithms",
            "Tuner": "neurx.tuners.tuner",
            "HyperModel": "neurx.tuners.hypermodel",
            "HyperParameters": "neurx.tuners.hyperparameters",
            "Objective": "neurx.tuners.objective"}


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name == "errors":
        return importlib.import_module("neurx.tuners.errors")
    raise AttributeError(f"module 'neurx.tuners' has no attribute '{name}'")


def __dir__():
    return sorted(__all__)
