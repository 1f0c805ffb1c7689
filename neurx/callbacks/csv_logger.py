"""`CSVLogger`: stream each epoch's logs to a CSV file."""
from __future__ import annotations

import collections.abc
import csv
import os

import numpy as np

from neurx.support.folders import make_folders
from neurx.training.callback import Callback


def _cell(value):
    """A log value as a CSV cell: iterables as "[a, b]", strings and numbers as they are."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
            isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Callback that streams epoch results to a CSV file.

    The columns are `epoch` then the log keys sorted by name (plus `val_`
    columns, left `NA`, when the first epoch had no validation keys, as
    Keras). The file is opened at the start of `fit`, flushed after every
    epoch and closed at the end.

    Args:
        filename: Filename of the CSV file, e.g. `"run/log.csv"`.
        separator: String used to separate elements in the CSV file.
        append: `True` appends to an existing file (continuing training,
            without a second header); `False` overwrites it.

    Example:

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "log.csv")
    >>> logger = CSVLogger(path)
    >>> logger.on_train_begin()
    >>> logger.on_epoch_end(0, {"loss": 0.5, "val_loss": 0.6})
    >>> logger.on_train_end()
    >>> with open(path) as f:
    ...     print(f.read().strip())
    epoch,loss,val_loss
    0,0.5,0.6
    """

    def __init__(self, filename, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError("`separator` of CSVLogger must be one character, such as ',' or "
                             f"'\\t'. Received: separator={separator!r}")
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None) -> None:
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as f:
                    self.append_header = not bool(len(f.readline()))
            mode = "a"
        else:
            mode = "w"
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        make_folders(os.path.dirname(os.path.abspath(self.filename)), self.filename)
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None) -> None:
        if self.csv_file is None or self.csv_file.closed:
            raise RuntimeError("CSVLogger.on_epoch_end was called before on_train_begin "
                               f"opened '{self.filename}'. Pass the logger to `fit`, or "
                               "call on_train_begin() first.")
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            # With validation_freq > 1 the first epoch has no `val_` keys: add them.
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                self.keys.extend([f"val_{key}" for key in self.keys])
        if self.writer is None:
            dialect = type("CustomDialect", (csv.excel,), {"delimiter": self.sep})
            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + self.keys,
                                         dialect=dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
