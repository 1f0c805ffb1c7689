"""`ProgbarLogger`: prints the `Epoch 1/5` headers and the progress bars of `fit`,
`evaluate` and `predict` (the text itself is `neurx.utils.Progbar`'s)."""
from __future__ import annotations

from neurx.support.progbar import Progbar
from neurx.training.callback import Callback


class ProgbarLogger(Callback):
    """Callback that prints metrics to stdout.

    `fit`, `evaluate` and `predict` add one automatically unless `verbose=0`.
    It reads `verbose`, `epochs` and `steps` from the params it is given.
    During `fit`, validation is silent; its `val_` metrics appear on the
    epoch's line. The logs are running means already, so they are shown as
    given (not averaged again). The batch hooks may be called once per chunk
    of batches, with the index of the chunk's last batch.

    Example:

    >>> logger = ProgbarLogger()
    >>> logger.set_params({"verbose": 2, "epochs": 2, "steps": 100})
    >>> logger.on_train_begin()
    >>> logger.on_epoch_begin(0)
    Epoch 1/2
    >>> logger.on_train_batch_end(99, {"loss": 0.6051})
    >>> logger.on_epoch_end(0, {"loss": 0.6051, "val_loss": 0.7})  # doctest: +ELLIPSIS
    100/100 - 0s - loss: 0.6051 - val_loss: 0.7000 - ...
    """

    # The trainer may call this callback's batch hooks once per chunk of batches.
    _per_chunk_batch_hooks = True

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar: Progbar | None = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    # ------------------------------------------------------------------ hooks
    def on_train_begin(self, logs=None) -> None:
        # Inside `fit`, validation runs `on_test_*` silently.
        self._called_in_fit = True

    def on_train_end(self, logs=None) -> None:
        self._called_in_fit = False

    def on_test_begin(self, logs=None) -> None:
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar()

    def on_predict_begin(self, logs=None) -> None:
        self._reset_progbar()
        self._maybe_init_progbar()

    def on_epoch_begin(self, epoch, logs=None) -> None:
        self._reset_progbar()
        self._maybe_init_progbar()
        if self.verbose and self.epochs > 1:
            print(f"Epoch {epoch + 1}/{self.epochs}", flush=True)

    def on_train_batch_end(self, batch, logs=None) -> None:
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None) -> None:
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None) -> None:
        self._update_progbar(batch, None)  # predictions are not shown

    def on_epoch_end(self, epoch, logs=None) -> None:
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None) -> None:
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None) -> None:
        self._finalize_progbar(None)

    # ---------------------------------------------------------------- helpers
    def _reset_progbar(self) -> None:
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self) -> None:
        if self.progbar is None:
            self.progbar = Progbar(target=self.target, verbose=self.verbose, unit_name="step")

    def _items(self, logs) -> list:
        logs = dict(logs or {})
        # `learning_rate` and its tf.keras 2 alias `lr` are logged together; the
        # bar shows `lr` only, as tf.keras 2 did.
        if "lr" in logs and logs.get("learning_rate") == logs["lr"]:
            del logs["learning_rate"]
        # Logs hold running means already: show them as given.
        self.progbar.stateful_metrics.update(logs)
        return list(logs.items())

    def _update_progbar(self, batch, logs=None) -> None:
        self._maybe_init_progbar()
        self.seen = batch + 1  # one-based
        if self.verbose == 1:
            self.progbar.update(self.seen, self._items(logs), finalize=False)

    def _finalize_progbar(self, logs) -> None:
        self._maybe_init_progbar()
        if self.target is None:
            self.target = self.seen
            self.progbar.target = self.target
        self.progbar.update(self.target, self._items(logs), finalize=True)
