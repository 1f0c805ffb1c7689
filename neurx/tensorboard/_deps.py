"""The one place that imports the optional `tensorboard` package.

neurx writes TensorBoard files with the `tensorboard` package's own event
writer and protocol buffers (no TensorFlow). `tensorboard` is an optional
dependency, so `import neurx` must work without it: modules of
`neurx.tensorboard` ask this module for the pieces they need when they are
first used, and a missing package gives one clear message.

`tensorboard` picks its TensorFlow API (`tensorboard.compat.tf`) the first time
it needs one: its own stand-in (`tensorboard.compat.tensorflow_stub`) when a
module `tensorboard.compat.notf` can be imported, otherwise `import tensorflow`.
That import would give neurx's shim under the `tensorflow` alias, or load a real
TensorFlow when one is installed, so `use_tensorboard_stub()` provides `notf`
before any part of neurx (or a script under the alias) reaches `tensorboard`.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from types import ModuleType

_INSTALL_HINT = ("neurx writes TensorBoard logs with the `tensorboard` package (TensorFlow is "
                 "not needed). Install it with: pip install tensorboard")
NO_TENSORFLOW = "tensorboard.compat.notf"


def use_tensorboard_stub() -> None:
    """Makes the `tensorboard` package use its own TensorFlow stand-in, never `tensorflow`.

    Registers the `tensorboard.compat.notf` module that `tensorboard.compat` looks for (what
    TensorBoard's own `no_tensorflow` build target does). It stays for the whole process:
    TensorBoard resolves `tensorboard.compat.tf` once. Does nothing without `tensorboard`.

    >>> import sys
    >>> use_tensorboard_stub()
    >>> NO_TENSORFLOW in sys.modules
    True
    """
    if NO_TENSORFLOW in sys.modules or importlib.util.find_spec("tensorboard") is None:
        return
    sys.modules[NO_TENSORFLOW] = types.ModuleType(
        NO_TENSORFLOW, "Registered by neurx: tensorboard uses its TensorFlow stand-in.")


def tensorboard_module(name: str) -> ModuleType:
    """Imports `tensorboard.<name>` (set to its TensorFlow stand-in), or raises an ImportError
    that says how to install it.

    >>> tensorboard_module("compat.proto.summary_pb2").Summary.__name__
    'Summary'
    """
    use_tensorboard_stub()
    try:
        return importlib.import_module(f"tensorboard.{name}")
    except ImportError as error:
        raise ImportError(f"{_INSTALL_HINT}. (Importing tensorboard.{name} failed: "
                          f"{error})") from error
