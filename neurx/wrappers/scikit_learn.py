"""`KerasRegressor` and `KerasClassifier`: tf.keras 2's `keras.wrappers.scikit_learn`.

A model-building function plus `**sk_params` becomes a scikit-learn estimator. Each
parameter goes, by name, to every function that declares it: the build function, and
`Model.fit`, `Model.predict`, `Model.evaluate` (so `epochs=20` reaches `fit`, and
`verbose=0` reaches all three). `fit` builds a fresh model each time.

What this module owns: parameter routing (`check_params`, `filter_sk_params`), the
estimator protocol (`get_params`/`set_params`/`clone`, pickling through
`ModelSnapshot`), target encoding for the classifier, and tf.keras's scores: the negative
loss for the regressor, the compiled accuracy metric for the classifier.
"""
from __future__ import annotations

import copy
import inspect

import numpy as np

from neurx import losses
from neurx.models import Model
from neurx.support.numerical import to_categorical
from neurx.wrappers.model_state import (
    BaseEstimator,
    ClassifierMixin,
    ModelSnapshot,
    RegressorMixin,
    argument_names,
    check_compiled_model,
    require_sklearn,
    to_float_array,
    unknown_parameter_message,
)
from neurx.wrappers.validation import check_fitted, classification_targets, validate

_MODEL_METHODS = (Model.fit, Model.predict, Model.evaluate)


class BaseWrapper(BaseEstimator):
    """Base class of the tf.keras scikit-learn wrappers (use a subclass).

    Args:
        build_fn: A function (or callable object) returning a compiled neurx model. When
            `None`, the subclass's own `__call__` builds the model.
        **sk_params: Parameters of `build_fn` and of `fit`, `predict`, `evaluate`
            (e.g. `epochs`, `batch_size`, `verbose`, `callbacks`).

    `fit` returns the `History` of the training, as tf.keras 2's wrappers did (scikit-learn's
    searches and pipelines ignore the value). After `fit`: `model` (the trained neurx model,
    also `model_`), `history_` (the `History.history` dict of the last `fit`) and
    `n_features_in_`.
    """

    def __init__(self, build_fn=None, **sk_params):
        require_sklearn(type(self).__name__)
        self.build_fn = build_fn
        self._sk_params = dict(sk_params)
        self.check_params(sk_params)

    # ------------------------------------------------------------------ parameters
    @property
    def sk_params(self) -> dict:
        """The parameters given to the constructor or `set_params` (build_fn excluded)."""
        return self._sk_params

    def _builder(self):
        if self.build_fn is None:
            return self.__call__ if callable(self) else None
        return self.build_fn

    def _builder_arguments(self) -> set[str]:
        builder = self._builder()
        return argument_names(builder) if callable(builder) else set()

    def check_params(self, params: dict) -> None:
        """Checks for typos: every name must be an argument of build_fn, fit, predict or evaluate."""
        legal = self._builder_arguments().union(*(argument_names(m) for m in self._model_methods()))
        for name in params:
            if name not in legal:
                raise ValueError(unknown_parameter_message(
                    name, type(self).__name__, legal,
                    f"build_fn `{_describe(self._builder())}`, nor of Model.fit, "
                    "Model.predict or Model.evaluate"))

    def _model_methods(self):
        return _MODEL_METHODS

    def filter_sk_params(self, fn, override: dict | None = None) -> dict:
        """The sk_params that `fn` accepts, updated with `override`."""
        names = argument_names(fn)
        result = {k: v for k, v in self._sk_params.items() if k in names}
        result.update(override or {})
        return result

    def get_params(self, deep: bool = True) -> dict:
        """The sk_params plus `build_fn` (scikit-learn's `clone` rebuilds from these)."""
        params = dict(self._sk_params)
        params["build_fn"] = self.build_fn
        return params

    def set_params(self, **params):
        """Updates the parameters (checked like the constructor's); returns self."""
        if "build_fn" in params:
            self.build_fn = params.pop("build_fn")
        self.check_params(params)
        self._sk_params.update(params)
        return self

    # ------------------------------------------------------------------ training
    def _build_model(self) -> Model:
        builder = self._builder()
        if not callable(builder):
            raise TypeError(f"{type(self).__name__} needs `build_fn`, a function returning a "
                            f"compiled model (or a subclass defining __call__). Received: "
                            f"build_fn={self.build_fn!r}.")
        model = builder(**self.filter_sk_params(builder))
        return check_compiled_model(model, f"build_fn `{_describe(builder)}`")

    def fit(self, x, y, **kwargs):
        """Builds a new model with `build_fn` and trains it on `(x, y)`; returns the `History`
        (tf.keras 2).

        Keyword arguments go to `Model.fit` and take precedence over the sk_params.
        """
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")
        x, y = self._validate_training_data(x, y)
        model = self._build_model()
        y = self._prepare_targets(model, y)
        fit_args = copy.deepcopy(self.filter_sk_params(Model.fit))
        fit_args.update(kwargs)
        if fit_args.get("validation_data") is not None:
            fit_args["validation_data"] = self._prepare_validation(model, fit_args["validation_data"])
        history = model.fit(x, y, **fit_args)
        self.model_ = model
        self.history_ = dict(history.history)
        self._input_shape = (None,) + tuple(x.shape[1:])
        return history

    @property
    def model(self) -> Model:
        """The trained neurx model (after `fit`)."""
        try:
            return self.model_
        except AttributeError:
            raise AttributeError(f"This {type(self).__name__} has no model yet: call "
                                 "fit() first.") from None

    def _validate_training_data(self, x, y):
        return validate(self, x, y, y_numeric=True)

    def _prepare_targets(self, model, y):
        return to_float_array(y)

    def _prepare_validation(self, model, validation_data):
        return validation_data

    def _predict_raw(self, x, kwargs) -> np.ndarray:
        check_fitted(self)
        x = validate(self, x, reset=False)
        return self.model_.predict(x, **self.filter_sk_params(Model.predict, kwargs))

    def _evaluate(self, x, y, kwargs):
        check_fitted(self)
        x = validate(self, x, reset=False)
        outputs = self.model_.evaluate(x, y, **self.filter_sk_params(Model.evaluate, kwargs))
        return outputs if isinstance(outputs, list) else [outputs]

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = super().__getstate__() if hasattr(super(), "__getstate__") else dict(self.__dict__)
        state = dict(state)
        if "model_" in state:
            state["model_"] = ModelSnapshot(state["model_"], state.get("_input_shape"))
        return state

    def __setstate__(self, state):
        snapshot = state.get("model_")
        if hasattr(super(), "__setstate__"):
            super().__setstate__(state)
        else:
            self.__dict__.update(state)
        if isinstance(snapshot, ModelSnapshot):
            self.model_ = snapshot.restore(self._build_model())

    def _more_tags(self):  # scikit-learn < 1.6
        return {"non_deterministic": True, "poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


class KerasRegressor(RegressorMixin, BaseWrapper):
    """tf.keras 2's scikit-learn regressor API for neurx models.

    `score` returns the negative loss (`-mse` for a model compiled with "mse"), so that
    greater is better in `GridSearchCV` and `RandomizedSearchCV`.

    Example:
    >>> import numpy as np
    >>> import neurx as keras
    >>> def build_model(n_neurons=4):
    ...     model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu",
    ...                                                  input_shape=(3,)),
    ...                               keras.layers.Dense(1)])
    ...     model.compile(loss="mse", optimizer="sgd")
    ...     return model
    >>> reg = KerasRegressor(build_model, n_neurons=8, epochs=2, verbose=0)
    >>> X, y = np.random.rand(20, 3), np.random.rand(20)
    >>> history = reg.fit(X, y)   # the History, as in tf.keras 2
    >>> len(history.history["loss"]), reg.predict(X[:2]).shape
    (2, (2,))
    >>> reg.score(X, y) <= 0
    True
    """

    def predict(self, x, **kwargs) -> np.ndarray:
        """Predictions for `x`: shape `(n_samples,)` for a single output unit."""
        preds = self._predict_raw(x, kwargs)
        return preds.squeeze(-1) if preds.ndim > 1 and preds.shape[-1] == 1 else preds

    def score(self, x, y, **kwargs) -> float:
        """The negative loss of the model on `(x, y)` (greater is better)."""
        return -float(self._evaluate(x, to_float_array(y), kwargs)[0])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags


class KerasClassifier(ClassifierMixin, BaseWrapper):
    """tf.keras 2's scikit-learn classifier API for neurx models.

    Labels may be any values (`classes_` keeps them sorted) or one-hot rows. They are
    given to the model as class indices, or one-hot when the model's loss is
    categorical crossentropy. `score` returns the model's compiled accuracy, so compile
    with `metrics=["accuracy"]`.

    Example:
    >>> import numpy as np
    >>> import neurx as keras
    >>> def build_model():
    ...     model = keras.Sequential([keras.layers.Dense(3, activation="softmax",
    ...                                                  input_shape=(2,))])
    ...     model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd",
    ...                   metrics=["accuracy"])
    ...     return model
    >>> clf = KerasClassifier(build_model, epochs=1, verbose=0)
    >>> X, y = np.random.rand(12, 2), np.array(["a", "b", "c"] * 4)
    >>> _ = clf.fit(X, y)
    >>> clf.classes_.tolist()
    ['a', 'b', 'c']
    >>> clf.predict_proba(X[:2]).shape
    (2, 3)
    """

    def _validate_training_data(self, x, y):
        x, y = validate(self, x, y, y_numeric=False)
        y = classification_targets(y)
        if y.ndim == 2:
            self.classes_ = np.arange(y.shape[1])
        elif y.ndim == 1:
            self.classes_ = np.unique(y)
        else:
            raise ValueError(f"Invalid shape for y: {y.shape}; expected (n_samples,) labels "
                             "or (n_samples, n_classes) one-hot rows.")
        if len(self.classes_) < 2:
            raise ValueError(f"{type(self).__name__} can't train when only one class is "
                             f"present: found the single class {self.classes_[0]!r}.")
        self.n_classes_ = len(self.classes_)
        return x, y

    def _encode(self, model, y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] > 1:
            return y.astype("float32")
        y = np.asarray(y).reshape(-1)
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"y contains labels not seen in fit: {np.unique(y[unknown]).tolist()}; "
                             f"known classes: {self.classes_.tolist()}.")
        indices = np.searchsorted(self.classes_, y)
        if _is_categorical_crossentropy(model.loss):
            return to_categorical(indices, num_classes=len(self.classes_))
        return indices.astype("int32")

    def _prepare_targets(self, model, y):
        return self._encode(model, y)

    def _prepare_validation(self, model, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) < 2:
            return validation_data
        x_val, y_val, *rest = validation_data
        return (x_val, self._encode(model, y_val), *rest)

    def predict(self, x, **kwargs) -> np.ndarray:
        """The predicted labels (from `classes_`)."""
        proba = self._predict_raw(x, kwargs)
        if proba.shape[-1] > 1:
            indices = proba.argmax(axis=-1)
        else:
            indices = (proba > 0.5).astype("int32").reshape(proba.shape[:-1])
        return self.classes_[indices]

    def predict_proba(self, x, **kwargs) -> np.ndarray:
        """Class probabilities, shape `(n_samples, n_classes)` (two columns for one sigmoid)."""
        probs = self._predict_raw(x, kwargs)
        if probs.ndim == 2 and probs.shape[1] == 1:
            probs = np.hstack([1 - probs, probs])
        return probs

    def score(self, x, y, **kwargs) -> float:
        """The model's accuracy metric on `(x, y)` (compile with `metrics=["accuracy"]`)."""
        check_fitted(self)
        outputs = self._evaluate(x, self._encode(self.model_, y), kwargs)
        for name, value in zip(self.model_.metrics_names, outputs):
            if name in ("accuracy", "acc"):
                return float(value)
        raise ValueError("The model is not configured to compute accuracy. You should pass "
                         '`metrics=["accuracy"]` to the `model.compile()` method. (Metrics '
                         f"found: {self.model_.metrics_names}.)")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


def _is_categorical_crossentropy(loss) -> bool:
    try:
        return isinstance(losses.get(loss), losses.CategoricalCrossentropy)
    except (ValueError, TypeError):
        return False


def _describe(fn) -> str:
    name = getattr(fn, "__qualname__", None) or type(fn).__name__
    try:
        return f"{name}{inspect.signature(fn)}"
    except (TypeError, ValueError):
        return name

