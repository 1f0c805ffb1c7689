"""Where a search lives: optuna's RDB storage, its heartbeats and the retry of lost trials.

Every worker of a search (processes of one `search(workers=n)` call, or separate
processes on several machines) opens the same study in the same database: by default
an SQLite file in the project directory, or any SQLAlchemy URL (`postgresql://...`).

Heartbeats, stale-trial detection and retries are optuna's: the storage is an
`RDBStorage` with `heartbeat_interval` and `grace_period`, a running trial beats through
optuna's heartbeat thread, and `optuna.storages.fail_stale_trials` marks a silent trial
failed (atomically in the database, so exactly one worker does it) and lets
`RetryHeartbeatStaleTrialCallback` enqueue a retry with the same parameters, which
resumes from the trial's last checkpoint. What optuna lacks and this module adds: a
trial whose worker process is gone *on this host* (killed, crashed) or that was
interrupted (Ctrl-C) is retried at once instead of after the grace period.
"""
from __future__ import annotations

import copy
import math
import os
import socket
import time
import uuid
import warnings

import optuna
from optuna.exceptions import ExperimentalWarning, UpdateFinishedTrialError
from optuna.storages import RetryHeartbeatStaleTrialCallback
from optuna.storages._heartbeat import get_heartbeat_thread
from optuna.trial import FrozenTrial, TrialState

OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
OWNER_ATTR = "neurx_owner"
SURPLUS = "neurx_surplus"
_RETRIED_TRIAL = "failed_trial"  # the system attribute RetryHeartbeatStaleTrialCallback writes


def default_url(project_dir: str) -> str:
    """The zero-setup storage: an SQLite file in the project directory.

    >>> default_url("/tmp/proj")
    'sqlite:////tmp/proj/study.db'
    """
    return "sqlite:///" + os.path.join(os.path.abspath(project_dir), "study.db")


class RetryLostTrial(RetryHeartbeatStaleTrialCallback):
    """optuna's retry of a lost trial, without the lost worker's own records.

    The retry is a fresh WAITING trial with the same parameters; the user attributes that
    name the dead worker (owner, tuner id, resume point) are not copied to it.

    >>> RetryLostTrial().__class__.__name__
    'RetryLostTrial'
    """

    def __init__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ExperimentalWarning)
            super().__init__(max_retry=None)

    def __call__(self, study, trial) -> None:
        retry = copy.deepcopy(trial)
        retry.user_attrs = {}
        super().__call__(study, retry)


def open_storage(storage, heartbeat_interval: float = 30, attempts: int = 3):
    """An optuna `RDBStorage` with heartbeats from a URL (a storage object is returned as is).

    A trial silent for twice `heartbeat_interval` seconds is failed and retried. Raises
    `ConnectionError` naming the URL when the database cannot be reached.

    >>> open_storage("sqlite:///:memory:", heartbeat_interval=5).grace_period
    10
    """
    if not isinstance(storage, str):
        return storage
    interval = max(1, math.ceil(heartbeat_interval))
    engine_kwargs = {"connect_args": {"timeout": 60}} if storage.startswith("sqlite") else \
        {"pool_pre_ping": True}
    for attempt in range(attempts):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ExperimentalWarning)
                return optuna.storages.RDBStorage(
                    storage, engine_kwargs=engine_kwargs, heartbeat_interval=interval,
                    grace_period=2 * interval, heartbeat_stale_trial_callback=RetryLostTrial())
        except ModuleNotFoundError as error:
            raise ImportError(f"The tuner storage {_safe(storage)!r} needs the database driver "
                              f"'{error.name}': install it (for PostgreSQL, `pip install "
                              "psycopg2-binary`).") from error
        except Exception as error:  # sqlalchemy.exc.OperationalError and friends
            if attempt + 1 == attempts or not _transient(error):
                raise ConnectionError(
                    f"Could not open the tuner storage {_safe(storage)!r}: "
                    f"{type(error).__name__}: {str(error).splitlines()[0]}. Check that the "
                    "database server is running and reachable and that the URL (driver, host, "
                    "port, user, database name) is right.") from error
            time.sleep(0.5 * (attempt + 1))  # concurrent first-time table creation
    raise AssertionError("unreachable")


def _transient(error) -> bool:
    text = str(error).lower()
    return any(s in text for s in ("already exists", "locked", "duplicate", "deadlock"))


def _safe(url: str) -> str:
    """The URL with its password hidden."""
    if "://" in url and "@" in url.split("://", 1)[1]:
        scheme, rest = url.split("://", 1)
        credentials, host = rest.rsplit("@", 1)
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}" if ":" in credentials else url
    return url


def retried_trial(trial) -> int | None:
    """The number of the trial that `trial` retries (the first of a chain), or None.

    `trial` is a `FrozenTrial` or a running optuna `Trial`.

    >>> retried_trial(optuna.create_trial(state=TrialState.WAITING,
    ...                                   system_attrs={"failed_trial": 3}))
    3
    """
    attrs = trial.system_attrs if isinstance(trial, FrozenTrial) else \
        trial.storage.get_trial_system_attrs(trial._trial_id)
    return attrs.get(_RETRIED_TRIAL)


def origin(trial) -> int:
    """The number of the trial whose checkpoint and results `trial` continues."""
    retried = retried_trial(trial)
    return trial.number if retried is None else retried


def owner_alive(owner: str | None) -> bool | None:
    """Whether a trial's owning process runs: True/False on this host, None elsewhere.

    >>> owner_alive(OWNER)
    True
    """
    if not owner:
        return None
    host, pid, _ = (owner.split(":") + ["", "", ""])[:3]
    if host != socket.gethostname():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


def retry_now(study, trial) -> bool:
    """Fails a RUNNING trial and enqueues its retry; False if another worker was first."""
    storage = study._storage
    try:
        if not storage.set_trial_state_values(trial._trial_id, TrialState.FAIL):
            return False
    except UpdateFinishedTrialError:
        return False  # another worker got there first, or it just finished
    RetryLostTrial()(study, storage.get_trial(trial._trial_id))
    return True


def recover_lost_trials(study) -> None:
    """Retries the running trials whose worker is gone: dead here, or silent anywhere."""
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if owner_alive(trial.user_attrs.get(OWNER_ATTR)) is False:
            retry_now(study, trial)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        optuna.storages.fail_stale_trials(study)


def ask(study):
    """`study.ask()` for a loop that runs the heartbeats itself (`claim`).

    optuna warns that heartbeats are meant for `Study.optimize`; this module does what
    `optimize` does for them (heartbeat thread, `fail_stale_trials`) around `ask`/`tell`.
    """
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Heartbeat of storage is supposed to be used")
        return study.ask()


def claim(trial):
    """Records this process as the trial's owner and returns optuna's heartbeat for it.

    Use the result as a context manager around the trial's training.
    """
    trial.set_user_attr(OWNER_ATTR, OWNER)
    return get_heartbeat_thread(trial._trial_id, trial.storage)
