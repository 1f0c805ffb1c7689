"""`neurx.summary`: write your own TensorBoard scalars, histograms, images and text,
as `tf.summary` does in Hands-On ML (no TensorFlow needed).

>>> import tempfile
>>> from neurx import summary
>>> writer = summary.create_file_writer(tempfile.mkdtemp())
>>> with writer.as_default():
...     for step in range(3):
...         ok = summary.scalar("my_scalar", step * 0.5, step=step)
>>> ok
True
>>> summary.flush()
>>> writer.close()

Each function writes to the writer of the innermost active
`with writer.as_default():` block and returns True, or returns False when no
writer is the default (as `tf.summary` does). `step` may be left out inside
`with writer.as_default(step=s):`.
"""
from __future__ import annotations

import os

from neurx.tensorboard.writer import SummaryWriter, current_writer

__all__ = ["SummaryWriter", "create_file_writer", "flush", "histogram", "image", "scalar",
           "text"]


def create_file_writer(logdir, max_queue: int = 10, flush_millis: int = 120_000,
                       filename_suffix: str = ".v2", name: str | None = None) -> SummaryWriter:
    """Creates a `SummaryWriter` writing a new event file in folder `logdir` (one run).

    Args:
        logdir: The run's folder (created if missing). TensorBoard shows each
            folder holding event files as a run.
        max_queue: How many summaries are buffered before they are written.
        flush_millis: The longest time between two writes to disk, in ms.
        filename_suffix: Appended to the event file's name.
        name: Accepted for `tf.summary` compatibility; unused.

    An unwritable `logdir` raises an `OSError` that names it.

    >>> import os, tempfile
    >>> logdir = os.path.join(tempfile.mkdtemp(), "run_1")
    >>> with create_file_writer(logdir) as writer:
    ...     writer.scalar("loss", 1.0, step=0)
    >>> any(f.startswith("events.out.tfevents.") for f in os.listdir(logdir))
    True
    """
    del name
    return SummaryWriter(os.fspath(logdir), max_queue=max_queue, flush_millis=flush_millis,
                         filename_suffix=filename_suffix)


def _write(method: str, name: str, data, step, **kwargs) -> bool:
    writer = current_writer()
    if writer is None:
        return False
    getattr(writer, method)(name, data, step=step, **kwargs)
    return True


def scalar(name: str, data, step: int | None = None, description: str | None = None) -> bool:
    """Writes a scalar to the default writer (Scalars tab).

    >>> scalar("loss", 0.1, step=0)  # no default writer: nothing is written
    False
    """
    return _write("scalar", name, data, step, description=description)


def histogram(name: str, data, step: int | None = None, buckets: int | None = None,
              description: str | None = None) -> bool:
    """Writes a histogram of the values of `data` (Histograms and Distributions tabs).

    >>> import numpy as np
    >>> histogram("weights", np.zeros(10), step=0)
    False
    """
    return _write("histogram", name, data, step, buckets=buckets, description=description)


def image(name: str, data, step: int | None = None, max_outputs: int = 3,
          description: str | None = None) -> bool:
    """Writes up to `max_outputs` images from `data` of shape `[k, h, w, c]` (Images tab).

    Floats are read in [0, 1] and clipped; uint8 is used as is.

    >>> import numpy as np
    >>> image("samples", np.zeros((2, 28, 28, 1)), step=0)
    False
    """
    return _write("image", name, data, step, max_outputs=max_outputs, description=description)


def text(name: str, data, step: int | None = None, description: str | None = None) -> bool:
    """Writes a (Markdown) text (Text tab).

    >>> text("notes", "**bold**", step=0)
    False
    """
    return _write("text", name, data, step, description=description)


def flush(writer: SummaryWriter | None = None) -> None:
    """Writes pending summaries of `writer` (default: the default writer) to disk.

    >>> flush()  # no default writer: nothing to do
    """
    writer = writer or current_writer()
    if writer is not None:
        writer.flush()
