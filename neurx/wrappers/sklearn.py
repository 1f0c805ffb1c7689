"""`SKLearnRegressor`, `SKLearnClassifier`, `SKLearnTransformer`: Keras 3's `keras.wrappers`.

The model is given as `model=`: a compiled neurx model (cloned before each `fit` with
`neurx.models.clone_model` and the same compile configuration, so the one you pass is never
trained and each fit starts from new weights), or a function called as `model(X=X, y=y, **model_kwargs)`
that returns a compiled model; `X` and `y` let it size its input and output layers (`y`
arrives encoded: one-hot for the classifier, two-dimensional for the regressor).
`fit_kwargs` are `Model.fit` arguments; those given to `fit` itself take precedence.

What this module owns: Keras 3's estimator contract (`model_`, `history_`, `classes_`,
`warm_start`), target encoding and decoding, and pickling of the trained model through
`ModelSnapshot`.
"""
from __future__ import annotations

import copy

import numpy as np

from neurx.models import Model, clone_model
from neurx.wrappers.model_state import (
    BaseEstimator,
    ClassifierMixin,
    ModelSnapshot,
    RegressorMixin,
    TransformerMixin,
    check_compiled_model,
    require_sklearn,
    to_float_array,
)
from neurx.wrappers.validation import check_fitted, classification_targets, validate


class SKLBase(BaseEstimator):
    """Base class of Keras 3's scikit-learn wrappers (use a subclass).

    Args:
        model: A compiled neurx `Model` (cloned, with new weights, before fitting, unless
            `warm_start`), or a callable returning one, called as
            `model(X=X, y=y, **model_kwargs)`.
        warm_start: Whether `fit` continues training the model of the previous `fit`
            instead of starting from a new copy.
        model_kwargs: Keyword arguments for `model` when it is a callable.
        fit_kwargs: Keyword arguments for `Model.fit`; arguments given to `fit` win.

    Attributes (after `fit`): `model_` (the trained model), `history_` (the
    `History.history` dict of the last `fit`), `n_features_in_`.
    """

    def __init__(self, model, warm_start: bool = False, model_kwargs: dict | None = None,
                 fit_kwargs: dict | None = None):
        require_sklearn(type(self).__name__)
        self.model = model
        self.warm_start = warm_start
        self.model_kwargs = model_kwargs
        self.fit_kwargs = fit_kwargs

    @property
    def epoch_(self) -> int:
        """How many epochs the last `fit` trained for."""
        history = getattr(self, "history_", None) or {}
        return len(next(iter(history.values()), []))

    # ------------------------------------------------------------------ building
    def _new_model(self, X, y) -> Model:
        if isinstance(self.model, Model):
            model = _fresh_clone(self.model)
            source = "the model given as `model=`"
        elif callable(self.model):
            model = self.model(X=X, y=y, **(self.model_kwargs or {}))
            source = f"model={getattr(self.model, '__qualname__', self.model)!r}"
        else:
            raise TypeError(f"`model` must be a compiled neurx Model or a callable returning "
                            f"one; received {self.model!r}.")
        return check_compiled_model(model, source)

    def fit(self, X, y=None, **kwargs):
        """Trains the model on `(X, y)`; returns self. `kwargs` go to `Model.fit`."""
        if y is None and not isinstance(self, TransformerMixin):
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y "
                             "is None.")
        X, y = self._validate_targets(X, y)
        y = self._encode_targets(y, reset=True)
        if self.warm_start and hasattr(self, "model_"):
            model = self.model_
        else:
            model = self._new_model(X, y)
        fit_args = dict(self.fit_kwargs or {})
        fit_args.update(kwargs)
        if fit_args.get("validation_data") is not None:
            fit_args["validation_data"] = self._encode_validation(fit_args["validation_data"])
        history = model.fit(X, y, **fit_args)
        self.model_ = model
        self.history_ = dict(history.history) if history is not None else {}
        self._probe = (np.zeros((2,) + X.shape[1:], X.dtype), np.zeros((2,) + y.shape[1:], y.dtype))
        return self

    def _validate_targets(self, X, y):
        return validate(self, X, y, y_numeric=True)

    def _encode_validation(self, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) < 2:
            return validation_data
        x_val, y_val, *rest = validation_data
        return (x_val, self._encode_targets(y_val), *rest)

    def _encode_targets(self, y, reset: bool = False) -> np.ndarray:
        y = to_float_array(y)
        if reset:
            self._target_ndim = y.ndim
        return y.reshape(-1, 1) if y.ndim == 1 else y

    def _decode_outputs(self, outputs) -> np.ndarray:
        if self._target_ndim == 1 and outputs.ndim == 2 and outputs.shape[1] == 1:
            return outputs[:, 0]
        return outputs

    def _raw_predict(self, X) -> np.ndarray:
        check_fitted(self)
        X = validate(self, X, reset=False)
        return self.model_.predict(X, verbose=0)

    def predict(self, X) -> np.ndarray:
        """Predictions for `X`, decoded to the form of the `y` given to `fit`."""
        return self._decode_outputs(self._raw_predict(X))

    # ------------------------------------------------------------------ pickling
    def __getstate__(self):
        state = dict(super().__getstate__())
        if isinstance(state.get("model"), Model):  # a trained one holds unpicklable programs
            state["model"] = _copy_model(state["model"])
        if "model_" in state:
            state["model_"] = ModelSnapshot(state["model_"], (None,) + state["_probe"][0].shape[1:])
        return state

    def __setstate__(self, state):
        snapshot = state.get("model_")
        super().__setstate__(state)
        if isinstance(snapshot, ModelSnapshot):
            x_probe, y_probe = self._probe
            self.model_ = snapshot.restore(self._new_model(x_probe, y_probe))

    def __sklearn_clone__(self):
        """An unfitted copy with the same parameters (a given model keeps its weights)."""
        params = {name: copy.deepcopy(value) for name, value in self.get_params(deep=False).items()
                  if name != "model"}
        return type(self)(model=_copy_model(self.model), **params)

    def _more_tags(self):  # scikit-learn < 1.6
        return {"non_deterministic": True, "poor_score": True}

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.non_deterministic = True
        return tags


def _fresh_clone(model: Model) -> Model:
    """Keras 3's `clone_model` step: same architecture and compile settings, new weights."""
    clone = clone_model(model)
    config = model.get_compile_config()
    if config is not None:
        clone.compile_from_config(config)
    return clone


def _copy_model(model):
    """A copy of a `model=` parameter for `clone`: same architecture, weights and settings."""
    if not isinstance(model, Model):
        return copy.deepcopy(model)
    try:  # rebuilt, not deep-copied: a used model holds compiled programs and metric state
        twin = _fresh_clone(model)
    except ValueError:  # a subclassed model without get_config
        return copy.deepcopy(model)
    if model.built:
        twin.set_weights(model.get_weights())
    return twin


class SKLearnRegressor(RegressorMixin, SKLBase):
    """Keras 3's scikit-learn regressor wrapper for neurx models (`score` is R²).

    Example:
    >>> import numpy as np
    >>> import neurx as keras
    >>> def dynamic_model(X, y, loss="mse", layers=(10,)):
    ...     inputs = keras.Input(shape=(X.shape[1],))
    ...     hidden = inputs
    ...     for units in layers:
    ...         hidden = keras.layers.Dense(units, activation="relu")(hidden)
    ...     model = keras.Model(inputs, keras.layers.Dense(y.shape[1])(hidden))
    ...     model.compile(loss=loss, optimizer="rmsprop")
    ...     return model
    >>> est = SKLearnRegressor(model=dynamic_model, model_kwargs={"layers": [8]},
    ...                        fit_kwargs={"epochs": 2, "verbose": 0})
    >>> X, y = np.random.rand(30, 4), np.random.rand(30)
    >>> est.fit(X, y).predict(X[:3]).shape
    (3,)
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.regressor_tags.poor_score = True
        return tags


class SKLearnClassifier(ClassifierMixin, SKLBase):
    """Keras 3's scikit-learn classifier wrapper for neurx models (`score` is accuracy).

    The model receives one-hot targets with one column per class in `classes_`, so its
    output layer has `y.shape[1]` units (softmax, or sigmoid with a binary crossentropy).

    Example:
    >>> import numpy as np
    >>> import neurx as keras
    >>> def dynamic_model(X, y):
    ...     model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
    ...                               keras.layers.Dense(y.shape[1], activation="softmax")])
    ...     model.compile(loss="categorical_crossentropy", optimizer="rmsprop")
    ...     return model
    >>> clf = SKLearnClassifier(model=dynamic_model, fit_kwargs={"epochs": 1, "verbose": 0})
    >>> X, y = np.random.rand(12, 3), np.array(["cat", "dog", "eel"] * 4)
    >>> clf.fit(X, y).classes_.tolist()
    ['cat', 'dog', 'eel']
    >>> clf.predict(X[:2]).shape
    (2,)
    """

    def _validate_targets(self, X, y):
        X, y = validate(self, X, y, y_numeric=False)
        return X, classification_targets(y)

    def _encode_targets(self, y, reset: bool = False) -> np.ndarray:
        y = np.asarray(y)
        if reset:
            if y.ndim != 1:
                raise ValueError("Only binary and multiclass target types are supported: "
                                 f"y must be one label per sample. Received y of shape {y.shape}.")
            self.classes_ = np.unique(y)
            if len(self.classes_) == 1:
                raise ValueError("Classifier can't train when only one class is present: "
                                 f"every label is {self.classes_[0]!r}.")
        y = y.reshape(-1)
        unknown = ~np.isin(y, self.classes_)
        if unknown.any():
            raise ValueError(f"y contains labels not seen in fit: {np.unique(y[unknown]).tolist()}; "
                             f"known classes: {self.classes_.tolist()}.")
        return np.eye(len(self.classes_), dtype="float32")[np.searchsorted(self.classes_, y)]

    def _decode_outputs(self, outputs) -> np.ndarray:
        if outputs.ndim == 2 and outputs.shape[1] == 1:
            return self.classes_[(outputs[:, 0] > 0.5).astype("int64")]
        return self.classes_[np.argmax(outputs, axis=-1)]

    def decision_function(self, X) -> np.ndarray:
        """The model's raw outputs for `X` (one column per class)."""
        return self._raw_predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.poor_score = True
        return tags


class SKLearnTransformer(TransformerMixin, SKLBase):
    """Keras 3's scikit-learn transformer wrapper: `transform(X)` is `model_.predict(X)`.

    "Transformer" in scikit-learn's sense (a pipeline step). Without `y`, `fit` trains
    the model to reconstruct `X` (an autoencoder); with `y`, on `(X, y)`.

    Example:
    >>> import numpy as np
    >>> import neurx as keras
    >>> def encoder(X, y):
    ...     model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
    ...                               keras.layers.Dense(2, activation="relu")])
    ...     model.compile(loss="mse", optimizer="sgd")
    ...     return model
    >>> trs = SKLearnTransformer(model=encoder, fit_kwargs={"epochs": 1, "verbose": 0})
    >>> X = np.random.rand(10, 4)
    >>> trs.fit(X, np.random.rand(10, 2)).transform(X).shape
    (10, 2)
    """

    def _validate_targets(self, X, y):
        if y is None:
            X = validate(self, X)
            return X, np.array(X, dtype="float32")
        return validate(self, X, y, y_numeric=True)

    def transform(self, X) -> np.ndarray:
        """The model's outputs for `X`."""
        return self._raw_predict(X)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags
