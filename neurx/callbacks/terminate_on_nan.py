"""`TerminateOnNaN`: stop `fit` as soon as the loss is NaN or infinite."""
from __future__ import annotations

import math

from neurx.training.callback import Callback


def _is_invalid(loss) -> bool:
    try:
        return not math.isfinite(float(loss))
    except (TypeError, ValueError):
        return False


class TerminateOnNaN(Callback):
    """Callback that terminates training when a NaN or Inf loss is encountered.

    It checks the `loss` in the batch logs (a running mean, so one bad batch
    shows) and in the epoch logs, and sets `model.stop_training = True`.

    Args:
        raise_error: If `True`, raise a `RuntimeError` at once instead, so no
            later hook (`on_train_end` included) runs.

    Example:

    >>> import types
    >>> model = types.SimpleNamespace(stop_training=False)
    >>> callback = TerminateOnNaN()
    >>> callback.set_model(model)
    >>> callback.on_train_batch_end(7, {"loss": float("nan")})
    Batch 7: Invalid loss, terminating training
    >>> model.stop_training
    True
    """

    # The running-mean loss of a chunk of batches carries a NaN forward.
    _per_chunk_batch_hooks = True

    def __init__(self, raise_error: bool = False) -> None:
        super().__init__()
        self.raise_error = raise_error
        self._terminated = False

    def on_train_begin(self, logs=None) -> None:
        self._terminated = False

    def on_batch_end(self, batch, logs=None) -> None:
        self._check((logs or {}).get("loss"), f"Batch {batch}")

    def on_epoch_end(self, epoch, logs=None) -> None:
        if not self._terminated:
            self._check((logs or {}).get("loss"), f"Epoch {epoch + 1}")

    def _check(self, loss, where: str) -> None:
        if loss is None or not _is_invalid(loss):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at {where.lower()}. "
                               f"Loss value: {loss}. Terminating training immediately.")
        print(f"{where}: Invalid loss, terminating training")
        self.model.stop_training = True
        self._terminated = True
