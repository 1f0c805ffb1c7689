"""Keras 2 model methods the books call (`model.predict_classes`, `model.fit_generator`, ...):
each warns once with the modern spelling and runs it. `Model`'s methods of these names
call the functions here."""
from __future__ import annotations

from typing import Any

import numpy as np

from neurx.legacy import warn_once


def predict_classes(model: Any, x: Any, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
    """Keras 2: class indices (argmax, or a 0.5 threshold for one sigmoid unit).

    >>> import numpy as np
    >>> from neurx import Sequential, layers
    >>> model = Sequential([layers.Dense(3, input_shape=(2,))])
    >>> predict_classes(model, np.ones((4, 2))).shape
    (4,)
    """
    warn_once("predict_classes", "`model.predict_classes()` is deprecated: use "
              "`np.argmax(model.predict(x), axis=-1)` (or `(model.predict(x) > 0.5)` "
              "for a binary output).")
    proba = model.predict(x, batch_size=batch_size, verbose=verbose)
    if proba.shape[-1] > 1:
        return proba.argmax(axis=-1)
    return (proba > 0.5).astype("int32")


def predict_proba(model: Any, x: Any, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
    """Keras 2: the same as `model.predict`."""
    warn_once("predict_proba", "`model.predict_proba()` is deprecated: use `model.predict()`.")
    return model.predict(x, batch_size=batch_size, verbose=verbose)


def fit_generator(model: Any, generator: Any, **fit_arguments: Any) -> Any:
    """Keras 2: `model.fit` on a generator (`fit_arguments`: fit's, the Keras 2 queue
    arguments left out)."""
    warn_once("fit_generator", "`model.fit_generator()` is deprecated: `model.fit()` "
              "accepts generators.")
    return model.fit(generator, **fit_arguments)


def evaluate_generator(model: Any, generator: Any, **evaluate_arguments: Any) -> Any:
    """Keras 2: `model.evaluate` on a generator."""
    warn_once("evaluate_generator", "`model.evaluate_generator()` is deprecated: "
              "`model.evaluate()` accepts generators.")
    return model.evaluate(generator, **evaluate_arguments)


def predict_generator(model: Any, generator: Any, **predict_arguments: Any) -> Any:
    """Keras 2: `model.predict` on a generator."""
    warn_once("predict_generator", "`model.predict_generator()` is deprecated: "
              "`model.predict()` accepts generators.")
    return model.predict(generator, **predict_arguments)
