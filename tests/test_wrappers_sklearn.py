"""Keras 3's scikit-learn wrappers (`neurx.wrappers.SKLearnRegressor` & co.), and
scikit-learn's estimator checks on them (see docs/sklearn.md for the checks that do not apply)."""
import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import neurx as keras
from neurx.wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer
from neurx.wrappers.scikit_learn import KerasRegressor


def dynamic_regressor(X, y, units=4):
    keras.utils.set_random_seed(0)  # reproducible fits (scikit-learn's idempotency checks)
    model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
                              keras.layers.Dense(units, activation="relu"),
                              keras.layers.Dense(y.shape[1])])
    model.compile(loss="mse", optimizer="sgd")
    return model


def dynamic_classifier(X, y):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(X.shape[1],)),
                              keras.layers.Dense(y.shape[1], activation="softmax")])
    model.compile(loss="categorical_crossentropy", optimizer="sgd")
    return model


def tf_keras_regressor(n_neurons=4):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    return model


ONE_EPOCH = {"epochs": 1, "verbose": 0}


class Named:
    """A build function with a stable repr: the checks' test ids are the estimators' reprs,
    and pytest-xdist needs the same ids in every worker (a function's repr has its address)."""

    def __init__(self, fn):
        self.fn = fn
        self.__signature__ = inspect.signature(fn)  # tf.keras routes sk_params by signature

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)

    def __repr__(self):
        return self.fn.__name__


def expected_failures(estimator):
    """The checks that cannot pass, with the reason (docs/sklearn.md explains each)."""
    failures = {}
    if isinstance(estimator, (SKLearnRegressor, KerasRegressor)):
        failures["check_regressor_multioutput"] = (
            "predictions are float32, the precision the neurx model computes in")
    if isinstance(estimator, KerasRegressor):
        failures["check_do_not_raise_errors_in_init_or_set_params"] = (
            "tf.keras's contract checks sk_params names in the constructor")
    if isinstance(estimator, SKLearnClassifier):
        failures["check_classifiers_classes"] = failures["check_classifiers_train"] = (
            "Keras 3's decision_function returns the raw outputs, one column per class, "
            "also for two classes")
        failures["check_classifiers_one_label_sample_weights"] = (
            "one epoch of SGD does not learn to ignore a zero-weighted class")
    return failures


@parametrize_with_checks([SKLearnRegressor(Named(dynamic_regressor), fit_kwargs=ONE_EPOCH),
                          SKLearnClassifier(Named(dynamic_classifier), fit_kwargs=ONE_EPOCH),
                          SKLearnTransformer(Named(dynamic_regressor), fit_kwargs=ONE_EPOCH)],
                         expected_failed_checks=expected_failures)
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.slow  # the same validation code as SKLearnRegressor's checks above
@parametrize_with_checks([KerasRegressor(Named(tf_keras_regressor), **ONE_EPOCH)],
                         expected_failed_checks=expected_failures)
def test_sklearn_estimator_checks_tf_keras_regressor(estimator, check):
    check(estimator)


@pytest.fixture
def data():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(40, 3)).astype("float32")
    return X, X @ np.array([1.0, -1.0, 0.5], "float32"), np.where(X[:, 0] > 0, "yes", "no")


def test_callable_model_gets_encoded_targets_and_model_kwargs(data):
    X, y, labels = data
    seen = {}

    def build(X, y, units):
        seen.update(x_shape=X.shape, y_shape=y.shape, units=units)
        return dynamic_regressor(X, y, units)

    reg = SKLearnRegressor(build, model_kwargs={"units": 3}, fit_kwargs={"epochs": 3, "verbose": 0})
    assert reg.fit(X, y, epochs=2) is reg  # fit's own arguments win over fit_kwargs
    assert seen == {"x_shape": (40, 3), "y_shape": (40, 1), "units": 3}
    assert reg.epoch_ == 2 and list(reg.history_) == ["loss"]
    assert reg.fit_kwargs == {"epochs": 3, "verbose": 0}  # not mutated by fit
    assert reg.predict(X).shape == (40,)
    assert isinstance(reg.model_, keras.Model)


def test_classifier_one_hot_and_labels(data):
    X, _, labels = data
    clf = SKLearnClassifier(dynamic_classifier, fit_kwargs={"epochs": 5, "verbose": 0})
    clf.fit(X, labels)
    assert clf.classes_.tolist() == ["no", "yes"]
    assert clf.model_.output_shape == (None, 2)  # one output per class
    assert set(clf.predict(X)) <= {"no", "yes"}
    assert clf.decision_function(X).shape == (40, 2)
    assert 0 <= clf.score(X, labels) <= 1
    with pytest.raises(ValueError, match="only one class"):
        clone(clf).fit(X, np.array(["no"] * 40))


def test_model_instance_is_copied_and_warm_start(data):
    X, y, _ = data
    given = dynamic_regressor(X, y[:, None])
    before = [w.copy() for w in given.get_weights()]
    reg = SKLearnRegressor(given, fit_kwargs={"epochs": 1, "verbose": 0}).fit(X, y)
    assert reg.model_ is not given
    for a, b in zip(before, given.get_weights()):
        np.testing.assert_array_equal(a, b)  # the model passed in is never trained
    warm = SKLearnRegressor(dynamic_regressor, warm_start=True, fit_kwargs=ONE_EPOCH).fit(X, y)
    first = warm.model_
    assert warm.fit(X, y).model_ is first  # warm_start continues training the same model
    assert first.optimizer.iterations == 4
    assert clone(reg).model is not given  # clone deep-copies the given model
    given.fit(X, y, epochs=1, verbose=0)  # a trained model (it holds compiled programs)
    twin = clone(SKLearnRegressor(given, fit_kwargs=ONE_EPOCH))
    for a, b in zip(twin.model.get_weights(), given.get_weights()):
        np.testing.assert_array_equal(a, b)
    assert twin.fit(X, y).model_.get_compile_config() == given.get_compile_config()
    restored = pickle.loads(pickle.dumps(twin))
    np.testing.assert_allclose(restored.predict(X), twin.predict(X), rtol=1e-6)


def test_transformer_in_a_pipeline_and_autoencoder(data):
    X, y, _ = data

    def encoder(X, y):
        model = keras.Sequential([keras.Input(shape=(X.shape[1],)), keras.layers.Dense(y.shape[1])])
        model.compile(loss="mse", optimizer="sgd")
        return model

    pipe = make_pipeline(StandardScaler(), SKLearnTransformer(encoder, fit_kwargs=ONE_EPOCH))
    assert pipe.fit_transform(X).shape == (40, 3)  # without y it learns to reconstruct X


def test_pickled_and_searched(data):
    X, y, _ = data
    reg = SKLearnRegressor(dynamic_regressor, fit_kwargs=ONE_EPOCH).fit(X, y)
    copy = pickle.loads(pickle.dumps(reg))
    np.testing.assert_allclose(copy.predict(X), reg.predict(X), rtol=1e-6)
    grid = GridSearchCV(SKLearnRegressor(dynamic_regressor, fit_kwargs=ONE_EPOCH),
                        {"model_kwargs": [{"units": 2}, {"units": 5}]}, cv=2)
    grid.fit(X, y)
    assert grid.best_params_["model_kwargs"]["units"] in (2, 5)
    assert isinstance(grid.best_estimator_.model_, keras.Model)


def test_uncompiled_model_is_a_clear_error(data):
    X, y, _ = data
    plain = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="not compiled"):
        SKLearnRegressor(plain).fit(X, y)
    with pytest.raises(TypeError, match="must be a compiled neurx Model or a callable"):
        SKLearnRegressor("mlp").fit(X, y)
