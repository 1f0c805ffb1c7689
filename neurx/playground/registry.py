"""The open playground sessions, shared between the server's threads.

What this module owns: `LiveSession` (a `Session` behind a lock, its play/pause state, the
version counter that wakes its event stream, and which stream is attached) and `Registry` (a
bounded set of sessions by id, freed when their tab closes its stream, asks to be closed, or
falls silent for `idle_timeout` seconds). No threads are started here: the server calls
`Registry.reap` periodically, and tests call it with their own clock.

>>> registry = Registry(max_sessions=1, session_factory=lambda params: object())
>>> live = registry.create()
>>> registry.create()
Traceback (most recent call last):
...
neurx.playground.registry.RegistryFull: Too many playground sessions are open (1, the limit): close another playground tab, or start the server with a larger --max-sessions.
>>> registry.close(live.id), len(registry)
(True, 0)
"""
from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from neurx.playground.params import ParameterError
from neurx.playground.session import Session

ACTIONS = ("play", "pause", "step", "reset", "regenerate")


class RegistryFull(RuntimeError):
    """No room for another session (`Registry.max_sessions` are open); see `Registry`.

    >>> issubclass(RegistryFull, RuntimeError)
    True
    """


class UnknownSession(KeyError):
    """No open session has this id (it was closed, timed out, or never existed).

    >>> str(UnknownSession("No open playground session 'abc'."))
    "No open playground session 'abc'."
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "Unknown session."


class SessionClosed(RuntimeError):
    """The session was closed while a stream was waiting on it (see `LiveSession.next_update`).

    >>> issubclass(SessionClosed, RuntimeError)
    True
    """


class LiveSession:
    """A `Session` used from several threads: commands and setting changes from requests,
    training and frames from its event stream.

    >>> from neurx.playground.params import Params
    >>> live = LiveSession("abc", Session(Params(hidden=(2,))))
    >>> live.control("step")["epoch"]
    1
    """

    def __init__(self, session_id: str, session: Session, clock: Callable[[], float] = time.monotonic):
        self.id = session_id
        self.session = session
        self.playing = False
        self.closed = False
        self.version = 0              # bumped by every change the stream should show
        self.stream = None            # token of the attached event stream, if any
        self._clock = clock
        self.last_seen = clock()
        self._changed = threading.Condition()

    def touch(self) -> None:
        """Marks the tab as alive (any request or a successful write to its stream)."""
        self.last_seen = self._clock()

    def _bump(self) -> None:
        self.version += 1
        self._changed.notify_all()

    def update(self, changes: Mapping[str, Any]) -> dict:
        """Applies setting changes (raises `ParameterError` for bad ones); returns the settings
        and what they touched.

        >>> live = LiveSession("abc", Session({"hidden": [2]}))
        >>> live.update({"noise": 10})["touched"]
        'data'
        """
        with self._changed:
            touched = self.session.update(changes)
            self._bump()
            return {"params": self.session.params.to_json(), "touched": touched}

    def control(self, action: Any) -> dict:
        """`"play"`, `"pause"`, `"step"` (one epoch, then paused), `"reset"` (new weights) or
        `"regenerate"` (new points); returns the play state and epoch."""
        if action not in ACTIONS:
            raise ParameterError(f"Unknown playground action {action!r}: expected one of "
                                 f"{', '.join(ACTIONS)}.")
        with self._changed:
            if action in ("play", "pause"):
                self.playing = action == "play"
            elif action == "step":
                self.playing = False
                self.session.train(1)
            elif action == "reset":
                self.session.reset()
            else:
                self.session.regenerate()
            self._bump()
            return {"playing": self.playing, "epoch": self.session.epoch}

    def code(self) -> str:
        """The neurx script for the current settings.

        >>> "Dense(2, activation='tanh')" in LiveSession("abc", Session({"hidden": [2]})).code()
        True
        """
        with self._changed:
            return self.session.keras_code()

    def close(self) -> None:
        """Stops the session: its stream ends (see `next_update`).

        >>> live = LiveSession("abc", Session({"hidden": [2]}))
        >>> live.close()
        >>> live.next_update(None, timeout=1)
        Traceback (most recent call last):
        ...
        neurx.playground.registry.SessionClosed: Playground session abc was closed.
        """
        with self._changed:
            self.closed = True
            self.playing = False
            self._changed.notify_all()

    def next_update(self, seen: tuple | None, timeout: float) -> tuple | None:
        """Waits for something to show, then returns `(seen, events)` for the stream: one epoch
        is trained first while playing; `events` are `("setup", describe())` when the points or
        the network changed since `seen`, then `("frame", frame())`. Returns None after
        `timeout` seconds with nothing new; raises `SessionClosed` once the session is closed.

        >>> live = LiveSession("abc", Session({"hidden": [2]}))
        >>> seen, events = live.next_update(None, timeout=1)
        >>> [name for name, _ in events], live.next_update(seen, timeout=0.01)
        (['setup', 'frame'], None)
        """
        deadline = self._clock() + timeout
        with self._changed:
            while not self.closed and not self.playing and seen is not None \
                    and seen[0] == self.version:
                remaining = deadline - self._clock()
                if remaining <= 0:
                    return None
                self._changed.wait(remaining)
            if self.closed:
                raise SessionClosed(f"Playground session {self.id} was closed.")
            if self.playing:
                self.session.train(1)
            events = []
            if seen is None or seen[1] != self.session.generation:
                events.append(("setup", self.session.describe()))
            events.append(("frame", {**self.session.frame(), "playing": self.playing}))
            return (self.version, self.session.generation), events


class Registry:
    """The open sessions, at most `max_sessions`, by their random ids.

    Args:
        max_sessions: how many tabs may have a session at once.
        idle_timeout: seconds without a request or a stream write after which `reap` frees a
            session (a tab that vanished without closing its connection).
        session_factory: builds the `Session` from the client's settings (default `Session`).
        clock: the time source (`time.monotonic`).

    >>> registry = Registry(idle_timeout=10, session_factory=lambda p: object(), clock=lambda: 0.0)
    >>> live = registry.create()
    >>> registry.reap(now=11.0) == [live.id]
    True
    """

    def __init__(self, max_sessions: int = 8, idle_timeout: float = 30.0,
                 session_factory: Callable[[Any], Any] = Session,
                 clock: Callable[[], float] = time.monotonic):
        if int(max_sessions) < 1:
            raise ValueError(f"max_sessions must be at least 1. Received: max_sessions={max_sessions!r}")
        self.max_sessions = int(max_sessions)
        self.idle_timeout = float(idle_timeout)
        self._factory = session_factory
        self._clock = clock
        self._sessions: dict[str, LiveSession] = {}
        self._pending = 0             # sessions being built: they count against the limit
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._sessions)

    def create(self, params: Mapping[str, Any] | None = None) -> LiveSession:
        """A new session (raises `RegistryFull`, or `ParameterError` for bad settings).

        >>> Registry().create({"hidden": [3]}).session.params.hidden
        (3,)
        """
        with self._lock:
            if len(self._sessions) + self._pending >= self.max_sessions:
                raise RegistryFull(
                    f"Too many playground sessions are open ({self.max_sessions}, the limit): "
                    "close another playground tab, or start the server with a larger "
                    "--max-sessions.")
            self._pending += 1
        try:
            live = LiveSession(secrets.token_hex(8), self._factory(params), self._clock)
            with self._lock:
                self._sessions[live.id] = live
            return live
        finally:
            with self._lock:
                self._pending -= 1

    def get(self, session_id: str) -> LiveSession:
        """The open session `session_id`, marked as seen; raises `UnknownSession`.

        >>> registry = Registry(session_factory=lambda params: object())
        >>> live = registry.create()
        >>> registry.get(live.id) is live
        True
        """
        with self._lock:
            live = self._sessions.get(session_id)
        if live is None:
            raise UnknownSession(f"No open playground session {session_id!r}: it was closed "
                                 "(its tab closed or it was idle too long). Reload the page "
                                 "to start a new one.")
        live.touch()
        return live

    def close(self, session_id: str) -> bool:
        """Frees `session_id`; True if it was open.

        >>> Registry().close("0123")
        False
        """
        with self._lock:
            live = self._sessions.pop(session_id, None)
        if live is not None:
            live.close()
        return live is not None

    def close_all(self) -> None:
        for session_id in self.ids():
            self.close(session_id)

    def attach(self, live: LiveSession) -> object:
        """Registers a new event stream of `live` (replacing an older one); returns its token.

        >>> registry = Registry(session_factory=lambda params: object())
        >>> live = registry.create()
        >>> registry.attach(live) is live.stream
        True
        """
        token = object()
        live.stream = token
        live.touch()
        return token

    def detach(self, live: LiveSession, token: object) -> bool:
        """The stream `token` ended: its tab is gone, so the session is freed, unless a newer
        stream of the same tab took over. Returns whether the session was freed.

        >>> registry = Registry(session_factory=lambda params: object())
        >>> live = registry.create()
        >>> registry.detach(live, registry.attach(live)), len(registry)
        (True, 0)
        """
        if live.stream is not token:
            return False
        return self.close(live.id)

    def reap(self, now: float | None = None) -> list[str]:
        """Frees the sessions silent for longer than `idle_timeout`; returns their ids (see
        the class's example)."""
        now = self._clock() if now is None else now
        with self._lock:
            stale = [sid for sid, live in self._sessions.items()
                     if now - live.last_seen > self.idle_timeout]
        return [sid for sid in stale if self.close(sid)]
