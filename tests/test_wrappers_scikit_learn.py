"""tf.keras 2's scikit-learn wrappers: `neurx.wrappers.scikit_learn.KerasRegressor/Classifier`."""
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import neurx as keras
from neurx.wrappers.scikit_learn import KerasClassifier, KerasRegressor


def build_regressor(n_neurons=4, learning_rate=0.01):
    model = keras.Sequential([keras.layers.Dense(n_neurons, activation="relu", input_shape=(3,)),
                              keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(learning_rate=learning_rate))
    return model


def build_classifier(loss="sparse_categorical_crossentropy", n_classes=3):
    model = keras.Sequential([keras.layers.Dense(n_classes, activation="softmax", input_shape=(3,))])
    model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate=0.5), metrics=["accuracy"])
    return model


def build_binary():
    model = keras.Sequential([keras.layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


@pytest.fixture
def regression_data():
    rs = np.random.RandomState(0)
    X = rs.normal(size=(60, 3)).astype("float32")
    return X, (X @ np.array([1.0, -2.0, 0.5]) + 0.1).astype("float32")


@pytest.fixture
def classification_data():
    rs = np.random.RandomState(1)
    X = rs.normal(size=(60, 3)).astype("float32")
    return X, np.array(["low", "mid", "high"])[np.digitize(X[:, 0], [-0.4, 0.4])]


def test_params_are_routed_by_signature(regression_data):
    X, y = regression_data
    reg = KerasRegressor(build_regressor, n_neurons=np.int64(5), epochs=2, batch_size=16, verbose=0)
    history = reg.fit(X, y)
    assert isinstance(history, keras.callbacks.History)  # as tf.keras 2's wrappers return it
    assert history.model is reg.model and history.history == reg.history_
    assert reg.model.layers[0].units == 5  # build_fn got n_neurons (a NumPy integer)
    assert len(reg.history_["loss"]) == 2  # fit got epochs
    assert reg.filter_sk_params(build_regressor) == {"n_neurons": 5}
    assert reg.filter_sk_params(keras.Model.fit) == {"epochs": 2, "batch_size": 16, "verbose": 0}


def test_unknown_sk_param_is_a_clear_error():
    with pytest.raises(ValueError, match="n_neuron is not a legal parameter of KerasRegressor.*"
                                         "Did you mean 'n_neurons'"):
        KerasRegressor(build_regressor, n_neuron=3)
    reg = KerasRegressor(build_regressor)
    with pytest.raises(ValueError, match="epoch is not a legal parameter"):
        reg.set_params(epoch=3)


def test_build_fn_must_return_a_compiled_model(regression_data):
    X, y = regression_data

    def uncompiled():
        return keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])

    with pytest.raises(ValueError, match="returned a model that is not compiled.*model.compile"):
        KerasRegressor(uncompiled).fit(X, y)
    with pytest.raises(TypeError, match="must return a compiled neurx model.*returned str"):
        KerasRegressor(lambda: "model").fit(X, y)


def test_get_set_params_and_clone():
    reg = KerasRegressor(build_regressor, n_neurons=3, epochs=2)
    assert reg.get_params() == {"build_fn": build_regressor, "n_neurons": 3, "epochs": 2}
    twin = clone(reg)
    assert twin is not reg and twin.get_params() == reg.get_params()
    assert reg.set_params(n_neurons=7) is reg and reg.sk_params["n_neurons"] == 7
    assert twin.sk_params["n_neurons"] == 3


def test_score_is_negative_loss_and_unfitted_errors(regression_data):
    X, y = regression_data
    reg = KerasRegressor(build_regressor, epochs=1, verbose=0)
    with pytest.raises(NotFittedError):
        reg.predict(X)
    with pytest.raises(AttributeError, match="call fit"):
        reg.model
    reg.fit(X, y)
    assert reg.score(X, y) == pytest.approx(-reg.model.evaluate(X, y, verbose=0), rel=1e-6)
    with pytest.raises(ValueError, match="X has 2 features"):
        reg.predict(X[:, :2])


def test_pickling_keeps_predictions(regression_data):
    X, y = regression_data
    reg = KerasRegressor(build_regressor, epochs=2, verbose=0)
    reg.fit(X, y)
    copy = pickle.loads(pickle.dumps(reg))
    np.testing.assert_allclose(copy.predict(X), reg.predict(X), rtol=1e-6)
    assert copy.history_ == reg.history_
    assert copy.score(X, y) == pytest.approx(reg.score(X, y), rel=1e-6)


def test_classifier_labels_proba_and_accuracy(classification_data):
    X, y = classification_data
    clf = KerasClassifier(build_classifier, epochs=5, verbose=0)
    clf.fit(X, y)
    assert clf.classes_.tolist() == ["high", "low", "mid"] and clf.n_classes_ == 3
    proba = clf.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    assert clf.score(X, y) == pytest.approx(np.mean(clf.predict(X) == y), abs=1e-6)


def test_classifier_one_hot_for_categorical_crossentropy(classification_data):
    X, y = classification_data
    clf = KerasClassifier(build_classifier, loss="categorical_crossentropy", epochs=1, verbose=0)
    clf.fit(X, y, validation_data=(X[:10], y[:10]))  # string labels encoded for validation too
    assert "val_accuracy" in clf.history_
    assert 0 <= clf.score(X, y) <= 1


def test_binary_sigmoid_classifier():
    rs = np.random.RandomState(2)
    X = rs.normal(size=(40, 3)).astype("float32")
    y = (X[:, 0] > 0).astype(int)
    clf = KerasClassifier(build_binary, epochs=1, verbose=0)
    clf.fit(X, y)
    assert clf.predict(X).shape == (40,) and set(clf.predict(X)) <= {0, 1}
    assert clf.predict_proba(X).shape == (40, 2)


def test_classifier_without_accuracy_metric_says_so(classification_data):
    X, y = classification_data

    def no_metrics():
        model = keras.Sequential([keras.layers.Dense(3, activation="softmax", input_shape=(3,))])
        model.compile(loss="sparse_categorical_crossentropy", optimizer="sgd")
        return model

    clf = KerasClassifier(no_metrics, epochs=1, verbose=0)
    clf.fit(X, y)
    with pytest.raises(ValueError, match='metrics=\\["accuracy"\\]'):
        clf.score(X, y)


def test_classifier_rejects_continuous_targets(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="Unknown label type"):
        KerasClassifier(build_classifier, verbose=0).fit(X, y)


def test_pipeline_grid_search_and_cross_val(regression_data):
    X, y = regression_data
    pipe = Pipeline([("scale", StandardScaler()),
                     ("reg", KerasRegressor(build_regressor, epochs=1, verbose=0))])
    grid = GridSearchCV(pipe, {"reg__n_neurons": [2, 4]}, cv=2)
    grid.fit(X, y, reg__epochs=2)  # fit params pass through the search and the pipeline
    assert grid.best_params_["reg__n_neurons"] in (2, 4)
    assert len(grid.best_estimator_.named_steps["reg"].history_["loss"]) == 2
    scores = cross_val_score(KerasRegressor(build_regressor, epochs=1, verbose=0), X, y, cv=2)
    assert scores.shape == (2,) and np.all(scores <= 0)


def test_grid_search_in_two_processes(regression_data):
    X, y = regression_data
    grid = GridSearchCV(KerasRegressor(build_regressor, epochs=1, verbose=0),
                        {"learning_rate": [0.01, 0.02]}, cv=2, n_jobs=2)
    grid.fit(X, y)
    assert grid.best_params_["learning_rate"] in (0.01, 0.02)
    assert isinstance(grid.best_estimator_.model, keras.Model)
    # fitted wrappers come back from the worker processes by pickling
    results = cross_validate(KerasRegressor(build_regressor, epochs=1, verbose=0), X, y, cv=2,
                             n_jobs=2, return_estimator=True)
    for estimator, score in zip(results["estimator"], results["test_score"]):
        assert estimator.score(X[30:], y[30:]) == pytest.approx(score, rel=1e-5, abs=1e-5) or \
            estimator.predict(X[:2]).shape == (2,)
