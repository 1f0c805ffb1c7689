"""`LambdaCallback`: a callback made of plain functions, one per hook."""
from __future__ import annotations

from neurx.naming import did_you_mean
from neurx.training.callback import Callback

_HOOKS = (
    "on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end",
    "on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end",
    "on_test_begin", "on_test_end", "on_test_batch_begin", "on_test_batch_end",
    "on_predict_begin", "on_predict_end", "on_predict_batch_begin", "on_predict_batch_end",
)


class LambdaCallback(Callback):
    """Callback for creating simple, custom callbacks on-the-fly.

    Each function is called at its hook with the hook's arguments:
    `on_epoch_begin`/`on_epoch_end` get `(epoch, logs)`,
    `on_train_begin`/`on_train_end` get `(logs)`, the batch hooks get
    `(batch, logs)`. Any other hook of `Callback` (e.g. `on_batch_end`,
    `on_test_end`) can be given by name as a keyword.

    Args:
        on_epoch_begin: called at the beginning of every epoch.
        on_epoch_end: called at the end of every epoch.
        on_train_begin: called at the beginning of model training.
        on_train_end: called at the end of model training.
        on_train_batch_begin: called at the beginning of every train batch.
        on_train_batch_end: called at the end of every train batch.
        **kwargs: Any other hook, `hook_name=function`.

    Example:

    >>> callback = LambdaCallback(
    ...     on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))
    >>> callback.on_epoch_end(0, {"loss": 0.5})
    0 0.5
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs) -> None:
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end)
        for name in kwargs:
            if name not in _HOOKS:
                raise TypeError(f"LambdaCallback got an unexpected keyword argument '{name}': "
                                f"it is not a callback hook.{did_you_mean(name, _HOOKS)} "
                                f"Hooks: {', '.join(_HOOKS)}.")
        hooks.update(kwargs)
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback expects a function for `{name}`. "
                                f"Received: {name}={fn!r}")
            setattr(self, name, fn)
