"""`Callback`: the base class of every hook into `fit`, `evaluate` and `predict`.

What this module owns: the hook names and their default (do-nothing) bodies,
the `model`/`params` attributes a callback is given, and `CallbackWarning`,
the warning category every callback in `neurx.callbacks` raises. Callbacks
sit above models and training: they only use the model object they are
handed (`get_weights`, `set_weights`, `stop_training`, `optimizer`), never
import it.
"""
from __future__ import annotations

from typing import Any


class CallbackWarning(UserWarning):
    """The warning category of `neurx.callbacks` (e.g. a monitored key is missing).

    Silence it with `warnings.filterwarnings("ignore", category=CallbackWarning)`.

    >>> issubclass(CallbackWarning, UserWarning)
    True
    """


class Callback:
    """Base class used to build new callbacks.

    Subclass it and override the hooks you need. During `fit`, `evaluate` and
    `predict` the trainer calls the hooks in this order::

        on_train_begin
          on_epoch_begin
            on_train_batch_begin / on_train_batch_end   (per batch or chunk)
            on_test_begin ... on_test_end               (validation)
          on_epoch_end
        on_train_end

    `on_train_batch_begin`/`on_train_batch_end` call the Keras 2 names
    `on_batch_begin`/`on_batch_end`, so overriding either spelling works.

    Attributes:
        model: The model being trained (set by `set_model`).
        params: Dict of training parameters, e.g.
            `{"verbose": 1, "epochs": 5, "steps": 1500}` (set by `set_params`).

    Example:

    >>> class Count(Callback):
    ...     def on_epoch_end(self, epoch, logs=None):
    ...         print(f"epoch {epoch}: loss={logs['loss']}")
    >>> Count().on_epoch_end(0, {"loss": 0.25})
    epoch 0: loss=0.25
    """

    def __init__(self) -> None:
        self.model: Any = None
        self.params: dict | None = None

    def set_params(self, params: dict) -> None:
        """Stores the training parameters (`verbose`, `epochs`, `steps`)."""
        self.params = params

    def set_model(self, model: Any) -> None:
        """Stores the model the callback acts on."""
        self.model = model

    # ----------------------------------------------------------------- batches
    def on_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Keras 2 name of `on_train_batch_begin` (called by it)."""

    def on_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Keras 2 name of `on_train_batch_end` (called by it)."""

    def on_train_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a training batch (or chunk of batches) of `fit`."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a training batch; `logs` holds the running metric means."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a batch of `evaluate` (and of validation in `fit`)."""

    def on_test_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a batch of `evaluate`; `logs` holds the running means."""

    def on_predict_batch_begin(self, batch: int, logs: dict | None = None) -> None:
        """Called before a batch of `predict`."""

    def on_predict_batch_end(self, batch: int, logs: dict | None = None) -> None:
        """Called after a batch of `predict`."""

    # ------------------------------------------------------------------ epochs
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the start of an epoch of `fit` (`epoch` counts from 0)."""

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        """Called at the end of an epoch; `logs` has the epoch's metrics,
        validation ones prefixed with `val_`."""

    # ------------------------------------------------------------ whole calls
    def on_train_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `fit`."""

    def on_train_end(self, logs: dict | None = None) -> None:
        """Called at the end of `fit`; `logs` are the last epoch's logs."""

    def on_test_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `evaluate` (and of validation in `fit`)."""

    def on_test_end(self, logs: dict | None = None) -> None:
        """Called at the end of `evaluate`; `logs` holds the results."""

    def on_predict_begin(self, logs: dict | None = None) -> None:
        """Called at the start of `predict`."""

    def on_predict_end(self, logs: dict | None = None) -> None:
        """Called at the end of `predict`."""
