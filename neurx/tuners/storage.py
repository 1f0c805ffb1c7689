"""Where a search lives: optuna's RDB storage, trial ownership and recovery.

Every worker of a search (processes of one `search(workers=n)` call, or separate
processes on several machines) opens the same study in the same database: by default
an SQLite file in the project directory, or any SQLAlchemy URL (`postgresql://...`).

Trials record their owner (host, process id) and a heartbeat. A trial left RUNNING by
a process that is gone (killed, crashed, interrupted) is *stale*: whichever worker
notices first marks it failed, atomically through the database, and enqueues a retry
with the same hyperparameters that resumes from the trial's last checkpoint.
"""
from __future__ import annotations

import os
import socket
import threading
import time
import uuid

import optuna
from optuna.exceptions import UpdateFinishedTrialError
from optuna.trial import TrialState

OWNER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
RETRY_OF = "neurx_retry_of"
SURPLUS = "neurx_surplus"
INTERRUPTED = "neurx_interrupted"


def default_url(project_dir: str) -> str:
    """The zero-setup storage: an SQLite file in the project directory.

    >>> default_url("/tmp/proj")
    'sqlite:////tmp/proj/study.db'
    """
    return "sqlite:///" + os.path.join(os.path.abspath(project_dir), "study.db")


def open_storage(storage, attempts: int = 3):
    """An optuna storage from a URL (or an optuna storage object, returned as is).

    Raises `ConnectionError` naming the URL when the database cannot be reached.
    """
    if not isinstance(storage, str):
        return storage
    engine_kwargs = {"connect_args": {"timeout": 60}} if storage.startswith("sqlite") else \
        {"pool_pre_ping": True}
    for attempt in range(attempts):
        try:
            return optuna.storages.RDBStorage(storage, engine_kwargs=engine_kwargs)
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


def is_stale(trial, grace_period: float, now: float | None = None) -> bool:
    """Whether a RUNNING trial's worker is gone (dead process, interrupt, silent heartbeat)."""
    attrs = trial.user_attrs
    if attrs.get(INTERRUPTED):
        return True
    alive = owner_alive(attrs.get("neurx_owner"))
    if alive is not None:
        return not alive
    beat = attrs.get("neurx_heartbeat", trial.datetime_start.timestamp()
                     if trial.datetime_start else None)
    return beat is not None and (now or time.time()) - float(beat) > grace_period


def recover_stale_trials(study, storage, grace_period: float) -> list[int]:
    """Marks stale RUNNING trials failed and enqueues their retries; returns their numbers.

    The RUNNING → FAIL update is atomic in the database, so when several workers look at
    once, exactly one of them enqueues the retry.
    """
    recovered = []
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        if not is_stale(trial, grace_period):
            continue
        try:
            storage.set_trial_user_attr(trial._trial_id, INTERRUPTED, True)
            storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)
        except UpdateFinishedTrialError:
            continue  # another worker got there first, or it just finished
        origin = trial.user_attrs.get(RETRY_OF, trial.number)
        study.enqueue_trial(trial.params, user_attrs={RETRY_OF: origin})
        recovered.append(trial.number)
    return recovered


class Heartbeat:
    """Records `neurx_heartbeat` on a trial every `interval` seconds while training runs.

    >>> with Heartbeat(None, interval=1):
    ...     pass
    """

    def __init__(self, trial, interval: float):
        self.trial = trial
        self.interval = interval
        self._stop = threading.Event()
        self._thread = None

    def __enter__(self):
        if self.trial is not None:
            self.trial.set_user_attr("neurx_heartbeat", time.time())
            self._thread = threading.Thread(target=self._run, daemon=True,
                                            name="neurx-tuner-heartbeat")
            self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(self.interval):
            try:
                self.trial.set_user_attr("neurx_heartbeat", time.time())
            except Exception:  # a lost beat is harmless; the next one retries
                pass

    def __exit__(self, *exc):
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        return False
