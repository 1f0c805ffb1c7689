"""`SummaryWriter`: one TensorBoard event file in one log directory.

What this module owns: checking that the log directory can be written (with
a message that says which folder and why not), the event file itself (the
`tensorboard` package's `EventFileWriter`, named
`events.out.tfevents.<time>.<host>.<pid>.<n>.v2` like TF 2's), and the typed
writes (`scalar`, `histogram`, `image`, `text`, `graph_def`). The
`with writer.as_default():` stack that `neurx.summary` reads lives here too,
so a writer knows whether it is the default.
"""
from __future__ import annotations

import contextlib
import tempfile
import threading
import time

from neurx.support.folders import make_folders
from neurx.tensorboard import summaries
from neurx.tensorboard._deps import tensorboard_module

_default = threading.local()


def _stack() -> list:
    if not hasattr(_default, "stack"):
        _default.stack = []
    return _default.stack


def current_writer() -> SummaryWriter | None:
    """The innermost writer of an active `with writer.as_default():` block, or None.

    >>> current_writer() is None
    True
    """
    stack = _stack()
    return stack[-1][0] if stack else None


def current_step() -> int | None:
    """The step given to the innermost `as_default(step=...)`, or None."""
    stack = _stack()
    return stack[-1][1] if stack else None


def ensure_writable_dir(path, what: str = "log_dir") -> str:
    """Creates folder `path` if needed and checks a file can be written in it.

    Raises an `OSError` naming the folder, the reason and the fix otherwise.

    >>> import tempfile, os
    >>> folder = os.path.join(tempfile.mkdtemp(), "logs", "train")
    >>> ensure_writable_dir(folder) == folder
    True
    """
    path = make_folders(path)
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        raise OSError(
            f"Cannot write TensorBoard logs to {what}={path!r}: {reason}"
            f"{f' ({error.filename})' if error.filename and error.filename != path else ''}. "
            "Pass a directory you can write to, e.g. "
            "os.path.join(os.getcwd(), 'my_logs', 'run_1').") from error
    return path


class SummaryWriter:
    """Writes summaries to an event file in `logdir` (TensorBoard reads the folder as a run).

    Usually made by `neurx.summary.create_file_writer(logdir)`. Every method
    takes the global `step` shown on TensorBoard's x axes; inside
    `with writer.as_default(step=s):` the step may be left out.

    Args:
        logdir: The folder of the run; created if missing.
        max_queue: How many events wait in memory before being written.
        flush_millis: The longest time, in milliseconds, between flushes.
        filename_suffix: Appended to the event file name (".v2" as TF 2 writes).

    Example:

    >>> import tempfile
    >>> writer = SummaryWriter(tempfile.mkdtemp())
    >>> writer.scalar("loss", 0.25, step=1)
    >>> writer.close()
    """

    def __init__(self, logdir, max_queue: int = 10, flush_millis: int = 120_000,
                 filename_suffix: str = ".v2") -> None:
        self.logdir = ensure_writable_dir(logdir)
        event_file_writer = tensorboard_module("summary.writer.event_file_writer")
        self._event_pb2 = tensorboard_module("compat.proto.event_pb2")
        self._writer = event_file_writer.EventFileWriter(
            self.logdir, max_queue_size=int(max_queue), flush_secs=flush_millis / 1000.0,
            filename_suffix=filename_suffix)
        self._closed = False

    @property
    def path(self) -> str:
        """The path of the event file."""
        return self._writer._file_name

    # ------------------------------------------------------------------ writing
    def _step(self, step) -> int:
        if step is None:
            step = current_step() if current_writer() is self else None
        if step is None:
            raise ValueError("A summary needs a `step` (the x coordinate in TensorBoard): pass "
                             "step=... or write inside `with writer.as_default(step=...)`.")
        return int(summaries.to_numpy(step))

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"This SummaryWriter for {self.logdir!r} is closed; create a new "
                               "one with neurx.summary.create_file_writer(logdir).")

    def add_summary(self, summary, step=None) -> None:
        """Writes a `Summary` protocol buffer at `step`."""
        self._check_open()
        self._writer.add_event(self._event_pb2.Event(wall_time=time.time(),
                                                     step=self._step(step), summary=summary))

    def scalar(self, name: str, data, step=None, description: str | None = None) -> None:
        """Writes a scalar (Scalars tab)."""
        self.add_summary(summaries.scalar_summary(name, data, description), step)

    def histogram(self, name: str, data, step=None, buckets: int | None = None,
                  description: str | None = None) -> None:
        """Writes a histogram of the values of `data` (Histograms / Distributions tabs)."""
        self.add_summary(summaries.histogram_summary(name, data, buckets, description), step)

    def image(self, name: str, data, step=None, max_outputs: int = 3,
              description: str | None = None) -> None:
        """Writes images `[k, h, w, c]` (floats in [0, 1] or uint8) (Images tab)."""
        self.add_summary(summaries.image_summary(name, data, max_outputs, description), step)

    def text(self, name: str, data, step=None, description: str | None = None) -> None:
        """Writes a (Markdown) text (Text tab)."""
        self.add_summary(summaries.text_summary(name, data, description), step)

    def graph_def(self, graph_def, step: int = 0) -> None:
        """Writes a `GraphDef` as the run's graph (Graphs tab)."""
        self._check_open()
        self._writer.add_event(self._event_pb2.Event(
            wall_time=time.time(), step=int(step), graph_def=graph_def.SerializeToString()))

    # ------------------------------------------------------------------ state
    @contextlib.contextmanager
    def as_default(self, step: int | None = None):
        """Makes this the writer that `neurx.summary.scalar(...)` etc. write to.

        `step`, when given, is used by the writes that leave `step` out.
        """
        self._check_open()
        _stack().append((self, step))
        try:
            yield self
        finally:
            _stack().pop()

    def set_as_default(self, step: int | None = None) -> None:
        """Makes this the default writer until `close()` (no `with` block)."""
        self._check_open()
        _stack().append((self, step))

    def flush(self) -> None:
        """Writes the pending events to disk."""
        if not self._closed:
            self._writer.flush()

    def close(self) -> None:
        """Flushes and closes the event file (later writes raise)."""
        if not self._closed:
            self._writer.close()
            self._closed = True
            _default.stack = [entry for entry in _stack() if entry[0] is not self]

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SummaryWriter logdir={self.logdir!r}{' (closed)' if self._closed else ''}>"
