"""Parallel trials on one machine: `tuner.search(..., workers=n)`.

Starts `n` fresh Python processes (the "spawn" method: JAX is not fork-safe). Each
rebuilds the tuner from its constructor arguments with `overwrite=False`, opens the same
study in the same storage, and runs the ordinary search loop, so the processes share one
trial budget and never run the same trial. The build function, the data and the other
`fit` arguments travel to the processes by pickling.
"""
from __future__ import annotations

import multiprocessing
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import optuna


def run_workers(tuner, workers: int, fit_args: tuple, fit_kwargs: dict) -> None:
    """Runs the search in `workers` processes and waits for all of them."""
    if not isinstance(tuner.storage_url, str):
        raise ValueError("search(workers=n) needs `storage` given as a URL (or left as the "
                         "default SQLite file): the worker processes open it themselves.")
    spec = (type(tuner), {**tuner._init_args, "max_trials": tuner.max_trials,
                          **_extra_args(tuner)}, fit_args, fit_kwargs)
    try:
        payload = pickle.dumps(spec)
    except (pickle.PicklingError, AttributeError, TypeError) as error:
        raise TypeError(
            "search(workers=n) sends the build function, the data and the fit arguments to "
            "worker processes, so they must be picklable: define the build function at the "
            "top level of a module (not a lambda or a nested function) and pass callbacks "
            f"that can be pickled. ({type(error).__name__}: {error})") from None
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = [pool.submit(_worker_main, payload, index) for index in range(workers)]
        errors = [f.exception() for f in futures]
    failed = [e for e in errors if e is not None]
    if any(isinstance(e, BrokenProcessPool) for e in failed):
        raise RuntimeError(
            "A tuner worker process died before finishing. If you run a script, put the "
            "search under `if __name__ == \"__main__\":` (worker processes import the main "
            "module, as Python's multiprocessing 'spawn' method does); otherwise the worker "
            "ran out of memory or crashed. Finished trials are kept: calling search() again "
            "resumes, including the interrupted trials.") from failed[0]
    if failed:
        raise failed[0]


def _extra_args(tuner) -> dict:
    """Constructor arguments of the algorithm subclasses (beyond `Tuner`'s)."""
    names = ("num_initial_points", "alpha", "beta", "max_epochs", "factor",
             "hyperband_iterations")
    extra = {n: getattr(tuner, n) for n in names if hasattr(tuner, n)}
    if "max_epochs" in extra:  # Hyperband derives max_trials itself
        extra["max_trials"] = None
    return extra


def _worker_main(payload: bytes, index: int) -> int:
    """Entry point of one worker process: rebuild the tuner, run the search loop."""
    cls, kwargs, fit_args, fit_kwargs = pickle.loads(payload)
    kwargs = {k: v for k, v in kwargs.items() if v is not None or k != "max_trials"}
    kwargs["overwrite"] = False
    kwargs["tuner_id"] = f"{kwargs.get('tuner_id') or 'worker'}-{index}-{os.getpid()}"
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    tuner = cls(**kwargs)
    tuner._search_loop(fit_args, fit_kwargs)
    return index
