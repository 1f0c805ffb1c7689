"""scikit-learn wrappers (`keras.wrappers`): neurx models as scikit-learn estimators.

- Keras 3: `SKLearnRegressor`, `SKLearnClassifier`, `SKLearnTransformer` (`model=`,
  `model_kwargs`, `fit_kwargs`), in `neurx.wrappers.sklearn`.
- tf.keras 2: `scikit_learn.KerasRegressor`, `scikit_learn.KerasClassifier`
  (`build_fn` + `**sk_params`), in `neurx.wrappers.scikit_learn`.

scikit-learn is imported when a wrapper is first used, not with `import neurx`.

>>> import neurx as keras
>>> keras.wrappers.scikit_learn.KerasRegressor.__name__
'KerasRegressor'
"""
import importlib

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer", "scikit_learn",
           "sklearn"]

_EXPORTS = {"SKLearnClassifier": "neurx.wrappers.sklearn",
            "SKLearnRegressor": "neurx.wrappers.sklearn",
            "SKLearnTransformer": "neurx.wrappers.sklearn"}
_SUBMODULES = ("scikit_learn", "sklearn", "model_state", "validation", "perceptron")


def __getattr__(name):
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"neurx.wrappers.{name}")
    raise AttributeError(f"module 'neurx.wrappers' has no attribute '{name}'")


def __dir__():
    return sorted(__all__)
