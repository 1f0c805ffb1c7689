"""`CallbackList`: the one object the trainer calls; it forwards every hook to each
callback in order and tells the trainer whether batches may run in chunks.

The contract with the trainer:

- `CallbackList(callbacks, add_history=..., add_progbar=..., model=..., **params)`
  with params `verbose`, `epochs`, `steps` (steps per epoch, `None` if unknown).
  A `History` is appended when `add_history` and none is given, then a
  `ProgbarLogger` when `add_progbar` and none is given; `set_model` sets
  `model.history` to the `History`.
- Every hook is forwarded with one logs dict per call, shared by all the
  callbacks (so keys a callback adds, like `learning_rate`, reach the ones
  after it); values are made plain Python floats where they convert, nested
  dicts are flattened, and the key order is kept.
- `needs_batch_hooks(kind)`: whether some callback must see every batch of
  `kind` ("train", "test", "predict"). If not, the trainer may run many
  batches per call and call the batch hooks once per chunk, with the index
  of the chunk's last batch.
"""
from __future__ import annotations

import numbers

from neurx.training.callback import Callback
from neurx.training.history import History
from neurx.training.progbar_logger import ProgbarLogger

_BATCH_HOOKS = {
    "train": ("on_train_batch_begin", "on_train_batch_end", "on_batch_begin", "on_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def _plain_logs(logs) -> dict:
    """A new logs dict: scalars as Python floats, nested dicts flattened, order kept."""
    result = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            result.update(_plain_logs(value))
        elif isinstance(value, (str, bool)) or value is None:
            result[key] = value
        elif isinstance(value, numbers.Real) or getattr(value, "shape", None) == ():
            result[key] = float(value)  # Python, NumPy and JAX scalars
        else:
            result[key] = value
    return result


def _overrides(callback, name: str) -> bool:
    """Whether `callback` does its own work in hook `name` at every batch."""
    if name in vars(callback):  # set on the instance (LambdaCallback)
        return True
    for klass in type(callback).__mro__:
        if name in vars(klass):
            if klass is Callback or vars(klass).get("_per_chunk_batch_hooks", False):
                return False
            # Real Keras callbacks mark their do-nothing hooks with `_is_default`.
            return not getattr(vars(klass)[name], "_is_default", False)
    return False


def _check_callback(callback, index: int) -> None:
    if isinstance(callback, type):
        raise TypeError(f"`callbacks` must hold callback instances, but callbacks[{index}] is "
                        f"the class {callback.__name__}. Call it: {callback.__name__}(...).")
    if not all(hasattr(callback, name) for name in ("set_model", "set_params", "on_epoch_end")):
        raise TypeError("`callbacks` must hold `neurx.callbacks.Callback` instances. "
                        f"Received: callbacks[{index}]={callback!r} "
                        f"of type {type(callback).__name__}.")


class CallbackList(Callback):
    """Container that calls a list of callbacks together.

    Args:
        callbacks: A list of `Callback` instances (or one callback).
        add_history: Whether to add a `History` if the list has none.
        add_progbar: Whether to add a `ProgbarLogger` if the list has none.
        model: The model the callbacks act on.
        **params: Passed to every callback with `set_params`: `verbose`,
            `epochs` and `steps` (steps per epoch).

    Example:

    >>> import types
    >>> model = types.SimpleNamespace()
    >>> callbacks = CallbackList([], add_history=True, model=model,
    ...                          verbose=0, epochs=1, steps=10)
    >>> callbacks.on_train_begin()
    >>> callbacks.on_epoch_end(0, {"loss": 0.5})
    >>> model.history.history
    {'loss': [0.5]}
    >>> callbacks.needs_batch_hooks("train")
    False
    """

    def __init__(self, callbacks=None, add_history: bool = False, add_progbar: bool = False,
                 model=None, **params) -> None:
        super().__init__()
        if callbacks is None:
            callbacks = []
        elif not isinstance(callbacks, (list, tuple)):
            callbacks = [callbacks]
        for index, callback in enumerate(callbacks):
            _check_callback(callback, index)
        self.callbacks = list(callbacks)
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        self._progbar = next((c for c in self.callbacks if isinstance(c, ProgbarLogger)), None)
        if self._history is None and add_history:
            self._history = History()
            self.callbacks.append(self._history)
        if self._progbar is None and add_progbar:
            self._progbar = ProgbarLogger()
            self.callbacks.append(self._progbar)
        self.set_model(model)
        self.set_params(params)

    def append(self, callback) -> None:
        """Adds a callback at the end (given the list's model and params)."""
        _check_callback(callback, len(self.callbacks))
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def set_params(self, params) -> None:
        self.params = params
        if params:
            for callback in self.callbacks:
                callback.set_params(params)

    def set_model(self, model) -> None:
        if model is None:
            return
        super().set_model(model)
        if self._history is not None:
            model.history = self._history
        for callback in self.callbacks:
            callback.set_model(model)

    def needs_batch_hooks(self, kind: str) -> bool:
        """Whether a callback overrides the batch hooks of `kind` and so must see
        every batch ("train" counts the Keras 2 `on_batch_*` too).

        `History`, `ProgbarLogger` and `TerminateOnNaN` are content with one call
        per chunk of batches and do not count.

        >>> from neurx.callbacks.lambda_callback import LambdaCallback
        >>> CallbackList([LambdaCallback(on_batch_end=print)]).needs_batch_hooks("train")
        True
        """
        if kind not in _BATCH_HOOKS:
            raise ValueError("needs_batch_hooks expects kind 'train', 'test' or 'predict'. "
                             f"Received: kind={kind!r}")
        return any(_overrides(callback, name)
                   for callback in self.callbacks for name in _BATCH_HOOKS[kind])

    # ---------------------------------------------------------- forwarding
    def _call(self, hook: str, *args, logs=None) -> None:
        logs = _plain_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(*args, logs)

    def _call_batch(self, hook: str, batch, logs) -> None:
        logs = _plain_logs(logs)
        for callback in self.callbacks:
            getattr(callback, hook)(batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call_batch("on_batch_begin", batch, logs)

    def on_batch_end(self, batch, logs=None):
        self._call_batch("on_batch_end", batch, logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)
