"""What the scikit-learn wrappers share: the scikit-learn base classes, checking what a
build function returned, input validation, and keeping a trained model across pickling.

A trained neurx model holds compiled XLA programs, which cannot be pickled. The wrappers
therefore pickle a trained model as its weights (`ModelSnapshot`) and, on unpickling,
rebuild it from what built it in the first place (the build function, or the model they
were given) and set the weights back. The optimizer's slots are not kept: an unpickled
wrapper predicts and scores exactly as before; training it again starts a new optimizer.
"""
from __future__ import annotations

import inspect
from difflib import get_close_matches

import numpy as np

from neurx.models import Model

try:
    import sklearn
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, TransformerMixin
except ImportError:  # scikit-learn is optional: the wrappers say so when constructed
    sklearn = None

    class BaseEstimator:  # type: ignore[no-redef]
        """Stand-in so that this module imports without scikit-learn."""

    class ClassifierMixin:  # type: ignore[no-redef]
        """Stand-in so that this module imports without scikit-learn."""

    class RegressorMixin:  # type: ignore[no-redef]
        """Stand-in so that this module imports without scikit-learn."""

    class TransformerMixin:  # type: ignore[no-redef]
        """Stand-in so that this module imports without scikit-learn."""


def require_sklearn(owner: str) -> None:
    """Raises a clear ImportError when scikit-learn is missing.

    >>> require_sklearn("KerasRegressor")  # scikit-learn is installed here
    """
    if sklearn is None:
        raise ImportError(f"{owner} requires scikit-learn. Install it with "
                          "`pip install scikit-learn`.")


def check_compiled_model(model, source: str) -> Model:
    """Checks that a build function returned a compiled neurx `Model`; returns it.

    `source` names the builder in the error messages.

    >>> from neurx import Sequential, layers
    >>> check_compiled_model(Sequential([layers.Dense(1)]), "build_fn")
    Traceback (most recent call last):
    ...
    ValueError: build_fn returned a model that is not compiled. ...
    """
    if not isinstance(model, Model):
        raise TypeError(f"{source} must return a compiled neurx model (a `neurx.Model` or "
                        f"`Sequential`); it returned {type(model).__name__}: {model!r}. "
                        "End the function with `model.compile(...)` and `return model`.")
    if not model.compiled or getattr(model, "loss", None) is None or model.optimizer is None:
        raise ValueError(f"{source} returned a model that is not compiled. Call "
                         "`model.compile(loss=..., optimizer=...)` before returning it, e.g. "
                         "model.compile(loss='mse', optimizer='sgd').")
    return model


def argument_names(fn) -> set[str]:
    """The named parameters of `fn` (not `*args`/`**kwargs`), as tf.keras's `has_arg` saw them.

    >>> sorted(argument_names(lambda a, b=1, *c, **d: None))
    ['a', 'b']
    """
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return set()
    return {p.name for p in params
            if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)}


def unknown_parameter_message(name: str, owner: str, legal: set[str], where: str) -> str:
    """The message for a parameter that no routed function accepts.

    >>> unknown_parameter_message("n_neuron", "KerasRegressor", {"n_neurons"}, "build_fn")
    "n_neuron is not a legal parameter of KerasRegressor: ... Did you mean 'n_neurons'?"
    """
    close = get_close_matches(name, sorted(legal), n=1)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    return (f"{name} is not a legal parameter of {owner}: it is not an argument of {where}."
            f"{hint}")


def to_float_array(values):
    """Numeric targets as float32 arrays (what neurx trains on); other arrays unchanged.

    >>> to_float_array(np.array([1, 2])).dtype
    dtype('float32')
    """
    values = np.asarray(values)
    return values.astype("float32") if values.dtype.kind in "biuf" else values


class ModelSnapshot:
    """A trained model kept as its input shape and weights, so that it can be pickled.

    `restore(model)` builds `model` for that input shape (when it was built from data)
    and sets the weights.

    Example:
    >>> import numpy as np
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(2, input_shape=(3,))])
    >>> snapshot = ModelSnapshot(model, (None, 3))
    >>> fresh = Sequential([layers.Dense(2)])
    >>> bool(np.allclose(snapshot.restore(fresh).get_weights()[0], model.get_weights()[0]))
    True
    """

    def __init__(self, model: Model, input_shape):
        self.input_shape = tuple(input_shape) if input_shape is not None else None
        self.weights = [np.asarray(w) for w in model.get_weights()]

    def restore(self, model: Model) -> Model:
        if not model.built:
            if self.input_shape is None:
                raise ValueError("Cannot restore the pickled model: it was never built and "
                                 "no input shape was recorded.")
            model.build(self.input_shape)
        model.set_weights(self.weights)
        return model
