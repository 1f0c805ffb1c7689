"""`Tuner`: KerasTuner's search loop on an optuna study.

What it owns: the project (directory, storage, study), the loop that asks optuna for a
trial, runs it (`runner.run_trial`) and tells the result, failure handling (a crashed
trial is recorded as failed with its error and the search goes on; too many failures
in a row stop it), the trial budget shared by every worker of the study, and the
results API (`get_best_hyperparameters`, `get_best_models`, `results_summary`). The
search algorithms (`RandomSearch`, `BayesianOptimization`, `Hyperband`) only choose
optuna's sampler and pruner.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import time
import traceback
from dataclasses import dataclass, field

import optuna
from optuna.trial import TrialState

from neurx.tuners import storage as storage_lib
from neurx.tuners.errors import FailedTrialError, FatalError
from neurx.tuners.hypermodel import check_built_model, get_hypermodel
from neurx.tuners.hyperparameters import HyperParameters, is_finite_number
from neurx.tuners.objective import get_objective
from neurx.tuners.runner import load_best_model, run_trial
from neurx.tuners.workers import run_workers

_HP_VALUES = "neurx_hp_values"
_HP_SPACE = "neurx_hp_space"


@dataclass
class Trial:
    """A finished (or running) trial as the results API shows it."""
    trial_id: str
    hyperparameters: HyperParameters
    score: float | None
    status: str
    best_step: int | None = None
    metrics: dict = field(default_factory=dict)
    message: str | None = None
    number: int = 0
    origin: int = 0


class Tuner:
    """Base class of the tuners: runs trials of a hypermodel and keeps their results.

    Args:
        hypermodel: A function `build_model(hp)` returning a compiled model, or a `HyperModel`.
        objective: Metric name (direction inferred), `Objective`, or list of them.
            Default "val_loss".
        max_trials: Total number of trials of the study (shared by all its workers).
        seed: Seed of the search (trial `n` draws from a stream seeded by `(seed, n)`).
        hyperparameters: A `HyperParameters` whose definitions override the build
            function's (e.g. `hp.Fixed`).
        tune_new_entries: Whether hyperparameters not in `hyperparameters` are searched
            (else they take their defaults).
        allow_new_entries: Whether the build function may define hyperparameters not in
            `hyperparameters`.
        max_retries_per_trial: How many times a crashed trial is run again.
        max_consecutive_failed_trials: Stop with an error after this many failures in a row.
        executions_per_trial: Models built and trained per trial (their scores are averaged).
        max_model_size: Trials whose model has more parameters fail without training.
        optimizer, loss, metrics: If given, the built model is re-compiled with them.
        directory, project_name: The project folder is `directory/project_name`.
        overwrite: Start over, deleting the project's results; else resume them.
        storage: optuna storage URL (`"postgresql://user@host/db"`) or object shared by
            the workers; default an SQLite file in the project folder.
        heartbeat_interval: Seconds between a running trial's heartbeats (optuna's,
            rounded up to whole seconds); a trial silent for twice as long is failed and
            retried by another worker.
        tuner_id: Name of this worker in the trials' records.
    """

    _prunes = False

    def __init__(self, hypermodel=None, objective=None, max_trials=10, seed=None,
                 hyperparameters=None, tune_new_entries=True, allow_new_entries=True,
                 max_retries_per_trial=0, max_consecutive_failed_trials=3,
                 executions_per_trial=1, max_model_size=None, optimizer=None, loss=None,
                 metrics=None, distribution_strategy=None, directory=None, project_name=None,
                 logger=None, tuner_id=None, overwrite=False, storage=None,
                 heartbeat_interval=30, **kwargs):
        if kwargs:
            raise TypeError(f"Unknown arguments for {type(self).__name__}: {sorted(kwargs)}.")
        if distribution_strategy is not None or logger is not None:
            raise ValueError("`distribution_strategy` and `logger` are not supported: neurx "
                             "tuners scale out through `search(workers=n)` and a shared "
                             "`storage` instead.")
        if hyperparameters is not None and not isinstance(hyperparameters, HyperParameters):
            raise TypeError("`hyperparameters` must be a neurx.tuners.HyperParameters; "
                            f"received {hyperparameters!r}.")
        self._init_args = dict(hypermodel=hypermodel, objective=objective, seed=seed,
                               hyperparameters=hyperparameters,
                               tune_new_entries=tune_new_entries,
                               allow_new_entries=allow_new_entries,
                               max_retries_per_trial=max_retries_per_trial,
                               max_consecutive_failed_trials=max_consecutive_failed_trials,
                               executions_per_trial=executions_per_trial,
                               max_model_size=max_model_size, optimizer=optimizer, loss=loss,
                               metrics=metrics, directory=directory, project_name=project_name,
                               tuner_id=tuner_id, storage=storage,
                               heartbeat_interval=heartbeat_interval)
        self.hypermodel = get_hypermodel(hypermodel)
        self.objective = get_objective(objective)
        self.max_trials = int(max_trials)
        self.seed = seed
        self.hyperparameters = hyperparameters
        self.tune_new_entries = tune_new_entries and getattr(self.hypermodel, "tunable", True)
        self.allow_new_entries = allow_new_entries
        self.max_retries_per_trial = int(max_retries_per_trial)
        self.max_consecutive_failed_trials = int(max_consecutive_failed_trials)
        self.executions_per_trial = int(executions_per_trial)
        self.max_model_size = max_model_size
        self._compile_overrides = {k: v for k, v in
                                   (("optimizer", optimizer), ("loss", loss), ("metrics", metrics))
                                   if v is not None}
        self.directory = directory or "."
        self.project_name = project_name or "untitled_project"
        self.project_dir = os.path.join(self.directory, self.project_name)
        self.tuner_id = tuner_id or storage_lib.OWNER
        if not is_finite_number(heartbeat_interval) or heartbeat_interval <= 0:
            raise ValueError("`heartbeat_interval` must be a positive number of seconds. "
                             f"Received: heartbeat_interval={heartbeat_interval!r}.")
        self.heartbeat_interval = float(heartbeat_interval)
        if overwrite and storage is None and os.path.isdir(self.project_dir):
            shutil.rmtree(self.project_dir)
        os.makedirs(self.project_dir, exist_ok=True)
        self.storage_url = storage if storage is not None else storage_lib.default_url(self.project_dir)
        self._storage = storage_lib.open_storage(self.storage_url, self.heartbeat_interval)
        if overwrite and storage is not None:
            self._delete_study()
        self.study = self._open_study()

    # ------------------------------------------------------------------ study
    def _delete_study(self):
        try:
            optuna.delete_study(study_name=self.project_name, storage=self._storage)
        except KeyError:
            pass
        for name in os.listdir(self.project_dir):
            if name.startswith("trial_"):
                shutil.rmtree(os.path.join(self.project_dir, name), ignore_errors=True)

    def _open_study(self):
        with _quiet_optuna():
            study = optuna.create_study(storage=self._storage, study_name=self.project_name,
                                        direction=self.objective.optuna_direction,
                                        sampler=self._sampler(0), pruner=self._pruner(),
                                        load_if_exists=True)
        recorded = study.user_attrs.get("neurx_objective")
        mine = self.objective.get_config()
        if recorded is None:
            study.set_user_attr("neurx_objective", mine)
        elif recorded != mine:
            raise ValueError(f"Project '{self.project_name}' was searched with objective "
                             f"{recorded}, not {mine}. Use another project_name, or "
                             "overwrite=True to start over.")
        return study

    def _sampler(self, number: int):
        raise NotImplementedError(f"{type(self).__name__} must choose an optuna sampler.")

    def _pruner(self):
        return optuna.pruners.NopPruner()

    def _trial_seed(self, number: int):
        if self.seed is None:
            return None
        digest = hashlib.sha256(f"{self.seed}:{number}".encode()).digest()
        return int.from_bytes(digest[:4], "little")

    def _fit_overrides(self) -> dict:
        return {}

    @property
    def _budget(self) -> int:
        return self.max_trials

    # ------------------------------------------------------------------ building
    def _build_model(self, hp):
        model = self.hypermodel.build(hp)
        if self._compile_overrides:
            current = {"optimizer": getattr(model, "optimizer", None),
                       "loss": getattr(model, "loss", None)}
            model.compile(**{**current, **self._compile_overrides})
        model = check_built_model(model, self.hypermodel)
        if self.max_model_size is not None and model.count_params() > self.max_model_size:
            raise FailedTrialError(f"The model has {model.count_params()} parameters, more than "
                                 f"max_model_size={self.max_model_size}.")
        return model

    # ------------------------------------------------------------------ search
    def search(self, *fit_args, workers: int = 1, **fit_kwargs) -> None:
        """Runs trials until the study has `max_trials` of them; arguments go to `fit`.

        Call it like `model.fit`: `tuner.search(x, y, epochs=10, validation_data=(xv, yv),
        callbacks=[...])`. `workers=n` runs n trials at a time in n processes on this
        machine (each builds its own models); the build function must then be picklable
        (defined at the top level of a module). Several processes or machines sharing
        `storage` and `project_name` also share one search.
        """
        workers = int(workers)
        if workers < 1:
            raise ValueError(f"`workers` must be >= 1. Received: workers={workers}.")
        with _quiet_optuna():
            if workers == 1:
                self._search_loop(fit_args, fit_kwargs)
            else:
                run_workers(self, workers, fit_args, fit_kwargs)

    def _search_loop(self, fit_args, fit_kwargs) -> None:
        verbose = fit_kwargs.get("verbose", 1)
        failures = 0
        while True:
            storage_lib.recover_lost_trials(self.study)
            outstanding = self._outstanding()
            if outstanding == "none":
                return
            if outstanding == "running elsewhere":  # it finishes, or its worker is lost
                time.sleep(min(1.0, self.heartbeat_interval))
                continue
            self.study.sampler = self._sampler(len(self.study.get_trials(deepcopy=False)))
            trial = storage_lib.ask(self.study)
            if self._is_surplus(trial):
                trial.set_user_attr(storage_lib.SURPLUS, True)
                self.study.tell(trial, state=TrialState.FAIL)
                continue
            self.study.sampler = self._sampler(trial.number)
            trial.set_user_attr("neurx_tuner_id", self.tuner_id)
            failed = self._run_one(trial, fit_args, fit_kwargs, verbose)
            failures = failures + 1 if failed else 0
            if failed and failures >= self.max_consecutive_failed_trials:
                raise RuntimeError(
                    f"{failures} consecutive trials failed; the last error was:\n{failed}\n"
                    "Fix the build function or the search space (see "
                    "`tuner.results_summary()` for each trial's error).")

    def _run_one(self, trial, fit_args, fit_kwargs, verbose) -> str | None:
        """Runs a trial and tells optuna; returns the error text if it failed."""
        hp = HyperParameters.for_trial(trial, self.hyperparameters, self.tune_new_entries,
                                       self.allow_new_entries)
        error = None
        heartbeat = storage_lib.claim(trial)
        for _ in range(self.max_retries_per_trial + 1):
            try:
                with heartbeat:
                    outcome = run_trial(self, trial, hp, fit_args, fit_kwargs)
            except optuna.TrialPruned:
                self._record(trial, hp)
                self.study.tell(trial, state=TrialState.PRUNED)
                return None
            except FatalError as exc:
                self._fail(trial, hp, _describe(exc))
                raise
            except FailedTrialError as exc:
                error = _describe(exc)
                break
            except KeyboardInterrupt:
                storage_lib.retry_now(self.study, trial)
                raise
            except Exception as exc:  # a crashed trial is recorded and the search goes on
                error = _describe(exc)
                continue
            self._record(trial, hp, outcome)
            if not is_finite_number(outcome.value):
                self._fail(trial, hp, f"The objective {self.objective.name} is not a finite "
                                      f"number: {outcome.value}.")
                return f"non-finite objective {outcome.value}"
            self.study.tell(trial, outcome.value)
            if verbose:
                self._announce(trial.number, outcome.value)
            return None
        self._fail(trial, hp, error)
        if verbose:
            print(f"Trial {trial.number} failed: {error.splitlines()[-1]}")
        return error

    def _record(self, trial, hp, outcome=None):
        trial.set_user_attr(_HP_VALUES, hp.values)
        trial.set_user_attr(_HP_SPACE, _space_configs(hp))
        if outcome is not None:
            trial.set_user_attr("neurx_best_step", outcome.best_step)
            trial.set_user_attr("neurx_metrics", outcome.metrics)

    def _fail(self, trial, hp, error):
        trial.set_user_attr(_HP_VALUES, hp.values)
        trial.set_user_attr(_HP_SPACE, _space_configs(hp))
        trial.set_user_attr("neurx_error", error[-2000:])
        self.study.tell(trial, state=TrialState.FAIL)

    def _announce(self, number, value):
        best = self.oracle.get_best_trials(1)
        best_text = f"{best[0].score:.6g}" if best else "n/a"
        print(f"Trial {number} Complete: {self.objective.name} = {value:.6g}; "
              f"best so far {best_text}")

    def _outstanding(self) -> str:
        """What is left of the study: "trials to run", "running elsewhere" or "none".

        A worker whose budget is used up stays while other workers' trials run, so that
        it retries any of them whose worker is lost.
        """
        trials = self.study.get_trials(deepcopy=False)
        fresh = [t for t in trials if storage_lib.retried_trial(t) is None
                 and not t.user_attrs.get(storage_lib.SURPLUS)]
        states = {t.state for t in trials}
        if len(fresh) < self._budget or TrialState.WAITING in states:
            return "trials to run"
        return "running elsewhere" if TrialState.RUNNING in states else "none"

    def _is_surplus(self, trial) -> bool:
        if storage_lib.retried_trial(trial) is not None:
            return False
        earlier = [t for t in self.study.get_trials(deepcopy=False)
                   if t.number < trial.number and storage_lib.retried_trial(t) is None
                   and not t.user_attrs.get(storage_lib.SURPLUS)]
        return len(earlier) >= self._budget

    # ------------------------------------------------------------------ results
    @property
    def oracle(self):
        """The search state (KerasTuner's `tuner.oracle`): `get_best_trials(n)`, `trials`."""
        return _Oracle(self)

    def _trials(self) -> list[Trial]:
        result = []
        for t in self.study.get_trials(deepcopy=False):
            if t.user_attrs.get(storage_lib.SURPLUS):
                continue
            status = {TrialState.COMPLETE: "COMPLETED", TrialState.PRUNED: "STOPPED",
                      TrialState.FAIL: "FAILED", TrialState.RUNNING: "RUNNING",
                      TrialState.WAITING: "WAITING"}[t.state]
            if t.state == TrialState.FAIL and "neurx_error" not in t.user_attrs:
                status = "INTERRUPTED"
            values = t.user_attrs.get(_HP_VALUES, {})
            score = t.value if t.state == TrialState.COMPLETE else (
                t.intermediate_values[max(t.intermediate_values)]
                if t.state == TrialState.PRUNED and t.intermediate_values else None)
            result.append(Trial(f"{t.number:02d}", HyperParameters.from_values(values), score,
                                status, t.user_attrs.get("neurx_best_step"),
                                t.user_attrs.get("neurx_metrics", {}),
                                t.user_attrs.get("neurx_error"), t.number,
                                storage_lib.origin(t)))
        return result

    def _best_trials(self, n: int) -> list[Trial]:
        scored = [t for t in self._trials() if t.status in ("COMPLETED", "STOPPED")
                  and is_finite_number(t.score)]
        sign = 1 if self.objective.direction == "min" else -1
        scored.sort(key=lambda t: (sign * t.score, t.status != "COMPLETED", t.number))
        return scored[:n]

    def get_best_hyperparameters(self, num_trials: int = 1) -> list[HyperParameters]:
        """The hyperparameters of the `num_trials` best trials, best first."""
        return [t.hyperparameters for t in self._best_trials(num_trials)]

    def get_best_models(self, num_models: int = 1) -> list:
        """The `num_models` best models, rebuilt with their best epoch's weights, best first."""
        return [load_best_model(self, t.origin, t.hyperparameters)
                for t in self._best_trials(num_models)]

    def results_summary(self, num_trials: int = 10) -> None:
        """Prints the best trials: hyperparameters and score (and failed trials' errors)."""
        print("Results summary")
        print(f"Results in {self.project_dir}")
        best = self._best_trials(num_trials)
        print(f"Showing {len(best)} best trials")
        print(self.objective)
        for trial in best:
            _print_trial(trial)
        failed = [t for t in self._trials() if t.status == "FAILED"]
        for trial in failed[:num_trials]:
            _print_trial(trial)

    def search_space_summary(self, extended: bool = False) -> None:
        """Prints every hyperparameter of the search: those the build function defines with
        default values, then those only some trials defined (e.g. the units of a layer that
        exists when a searched layer count is above its minimum)."""
        hp = HyperParameters.for_trial(None, self.hyperparameters, self.tune_new_entries,
                                       self.allow_new_entries)
        self.hypermodel.build(hp)
        space = {config["name"]: config for config in _space_configs(hp)}
        for trial in self.study.get_trials(deepcopy=False):
            for config in trial.user_attrs.get(_HP_SPACE, []):
                space.setdefault(config["name"], config)
        print("Search space summary")
        print(f"Default search space size: {len(space)}")
        for name, config in space.items():
            print(f"{name} ({config['kind']})")
            print(json.dumps({k: v for k, v in config.items() if k not in ("name", "kind")}))


class _Oracle:
    def __init__(self, tuner: Tuner):
        self._tuner = tuner
        self.objective = tuner.objective
        self.max_trials = tuner.max_trials

    @property
    def trials(self) -> dict:
        return {t.trial_id: t for t in self._tuner._trials()}

    def get_best_trials(self, num_trials: int = 1) -> list[Trial]:
        return self._tuner._best_trials(num_trials)


@contextlib.contextmanager
def _quiet_optuna():
    """optuna's INFO lines (study created, trial finished) off while the tuner works."""
    verbosity = optuna.logging.get_verbosity()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        yield
    finally:
        optuna.logging.set_verbosity(verbosity)


def _space_configs(hp: HyperParameters) -> list[dict]:
    """The definitions of `hp.space` as JSON-ready dicts, with their kind."""
    return [{"kind": d.kind, **d.get_config()} for d in hp.space]


def _describe(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip() + "\n" + \
        "".join(traceback.format_tb(exc.__traceback__)[-3:])


def _print_trial(trial: Trial) -> None:
    print()
    print(f"Trial {trial.trial_id} summary")
    print("Hyperparameters:")
    for name, value in trial.hyperparameters.values.items():
        print(f"{name}: {value}")
    if trial.score is not None:
        print(f"Score: {trial.score}")
    if trial.status != "COMPLETED":
        print(f"Status: {trial.status}")
    if trial.message and trial.status == "FAILED":
        print(trial.message.splitlines()[0])
