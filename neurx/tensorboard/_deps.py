"""The one place that imports the optional `tensorboard` package.

neurx writes TensorBoard files with the `tensorboard` package's own event
writer and protocol buffers (no TensorFlow). `tensorboard` is an optional
dependency, so `import neurx` must work without it: modules of
`neurx.tensorboard` ask this module for the pieces they need when they are
first used, and a missing package gives one clear message.
"""
from __future__ import annotations

import importlib
from types import ModuleType

_INSTALL_HINT = ("neurx writes TensorBoard logs with the `tensorboard` package (TensorFlow is "
                 "not needed). Install it with: pip install tensorboard")


def tensorboard_module(name: str) -> ModuleType:
    """Imports `tensorboard.<name>`, or raises an ImportError that says how to install it.

    >>> tensorboard_module("compat.proto.summary_pb2").Summary.__name__
    'Summary'
    """
    try:
        return importlib.import_module(f"tensorboard.{name}")
    except ImportError as error:
        raise ImportError(f"{_INSTALL_HINT}. (Importing tensorboard.{name} failed: "
                          f"{error})") from error
