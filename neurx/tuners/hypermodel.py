"""`HyperModel`: a search space of models (`build(hp)`) and how to train one (`fit`).

A tuner accepts either a `HyperModel` or a plain function `build_model(hp)`; the
function is wrapped in a `HyperModel` whose `fit` is `model.fit`.
"""
from __future__ import annotations

import inspect

from neurx.models import Model
from neurx.tuners.errors import FatalTypeError, FatalValueError


class HyperModel:
    """Defines a search space of models: override `build(hp)`, optionally `fit`.

    Args:
        name: Optional name of the hypermodel.
        tunable: Whether its hyperparameters join the search space (KerasTuner's flag;
            a non-tunable hypermodel uses default values unless the tuner's
            `hyperparameters` define them).

    Example:
    >>> import neurx as keras
    >>> from neurx.tuners import HyperParameters
    >>> class MyHyperModel(HyperModel):
    ...     def build(self, hp):
    ...         model = keras.Sequential([keras.layers.Dense(hp.Choice("units", [8, 16]),
    ...                                                      input_shape=(4,)),
    ...                                   keras.layers.Dense(1)])
    ...         model.compile(loss="mse", optimizer="sgd")
    ...         return model
    >>> MyHyperModel().build(HyperParameters()).count_params()
    49
    """

    def __init__(self, name: str | None = None, tunable: bool = True):
        self.name = name
        self.tunable = tunable

    def build(self, hp):
        """Builds and returns a compiled model using the hyperparameters `hp`."""
        raise NotImplementedError(f"{type(self).__name__} must implement build(self, hp) "
                                  "and return a compiled model.")

    def fit(self, hp, model, *args, **kwargs):
        """Trains `model`; returns its `History` (or a dict of metrics, or a score).

        Override to tune training arguments, e.g.
        `return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)`.
        """
        return model.fit(*args, **kwargs)


class FunctionHyperModel(HyperModel):
    """A `HyperModel` around a function `build_model(hp)`.

    >>> FunctionHyperModel(lambda hp: None).name
    '<lambda>'
    """

    def __init__(self, build_fn):
        super().__init__(name=getattr(build_fn, "__name__", None))
        self.build_fn = build_fn

    def build(self, hp):
        return self.build_fn(hp)


def get_hypermodel(hypermodel) -> HyperModel:
    """A `HyperModel` from a HyperModel or a build function; clear errors otherwise.

    >>> get_hypermodel(None)
    Traceback (most recent call last):
    ...
    ValueError: A tuner needs a `hypermodel`: ...
    """
    if isinstance(hypermodel, HyperModel):
        return hypermodel
    if hypermodel is None:
        raise ValueError("A tuner needs a `hypermodel`: a function build_model(hp) that "
                         "returns a compiled model, or a HyperModel instance.")
    if isinstance(hypermodel, Model) or not callable(hypermodel):
        raise TypeError("`hypermodel` must be a function build_model(hp) or a HyperModel; "
                        f"received {hypermodel!r}. Wrap your model construction in a function "
                        "that takes `hp`.")
    try:
        inspect.signature(hypermodel).bind(None)
    except TypeError:
        raise TypeError(f"The build function {getattr(hypermodel, '__name__', hypermodel)!r} "
                        "must take exactly one argument, `hp` (a HyperParameters).") from None
    except ValueError:
        pass
    return FunctionHyperModel(hypermodel)


def check_built_model(model, hypermodel: HyperModel) -> Model:
    """Checks that `build(hp)` returned a compiled neurx model; returns it."""
    source = hypermodel.name or type(hypermodel).__name__
    if not isinstance(model, Model):
        raise FatalTypeError(f"The build function {source!r} must return a compiled neurx model; "
                        f"it returned {type(model).__name__}: {model!r}. End it with "
                        "`model.compile(...)` and `return model`.")
    if not model.compiled or getattr(model, "loss", None) is None:
        raise FatalValueError(f"The build function {source!r} returned a model that is not "
                         "compiled. Call `model.compile(loss=..., optimizer=..., metrics=...)` "
                         "before returning it (or give the tuner `loss=` and `optimizer=`).")
    return model
