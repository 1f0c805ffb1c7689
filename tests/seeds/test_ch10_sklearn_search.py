"""Hands-On ML ch. 10 (notes 000 and 002): the perceptron on iris, and fine-tuning a Keras
regressor with scikit-learn's RandomizedSearchCV, as the notes write them (on synthetic data
of the California housing shapes, with few epochs and iterations)."""
import numpy as np
import pytest
from scipy.stats import reciprocal
from sklearn.datasets import load_iris
from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.model_selection import RandomizedSearchCV

import neurx as keras
from neurx.perceptron import Perceptron

legacy_lr = pytest.mark.filterwarnings("ignore::neurx.optimizers.LegacyArgumentWarning")


def build_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation="relu"))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(lr=learning_rate)
    model.compile(loss="mse", optimizer=optimizer)
    return model


def bulid_model(n_hidden=1, n_neurons=30, learning_rate=3e-3, input_shape=[8]):  # note 002
    model = keras.models.Sequential()
    model.add(keras.layers.InputLayer(input_shape=input_shape))
    for layer in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation='relu'))
    model.add(keras.layers.Dense(1))
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate)
    model.compile(loss='mse', optimizer=optimizer)
    return model


def test_iris_perceptron_as_in_the_notes():
    iris = load_iris()
    X = iris.data[:, (2, 3)]  # petal length, petal width
    y = (iris.target == 0).astype(int)  # the notes' np.int, removed from NumPy since 1.24

    per_clf = Perceptron(max_iter=1000, tol=1e-3, random_state=42)
    per_clf.fit(X, y)
    y_pred = per_clf.predict([[2, 0.5]])

    reference = SklearnPerceptron(max_iter=1000, tol=1e-3, random_state=42).fit(X, y)
    assert y_pred.tolist() == reference.predict([[2, 0.5]]).tolist() == [1]
    np.testing.assert_array_equal(per_clf.predict(X), reference.predict(X))
    np.testing.assert_allclose(per_clf.coef_, reference.coef_)
    np.testing.assert_allclose(per_clf.intercept_, reference.intercept_)


@legacy_lr
def test_keras_regressor_fit_score_predict(housing_like):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model)
    keras_reg.fit(X_train, y_train, epochs=20,
                  validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)], verbose=0)
    mse_test = keras_reg.score(X_test, y_test, verbose=0)
    X_new = X_test[:3]
    y_pred = keras_reg.predict(X_new, verbose=0)

    assert y_pred.shape == (3,)
    expected = keras_reg.model.evaluate(X_test, y_test, verbose=0)
    assert mse_test == pytest.approx(-expected, rel=1e-6)  # score is the negative loss
    assert -mse_test < float(np.var(y_test))  # it learned something
    assert set(keras_reg.history_) == {"loss", "val_loss"}


@legacy_lr
def test_randomized_search_cv_as_in_the_notes(housing_like):
    X_train, y_train, X_valid, y_valid, _, _ = housing_like
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(build_model, verbose=0)
    param_distribs = {
        "n_hidden": [0, 1, 2, 3],
        "n_neurons": np.arange(1, 100),
        "learning_rate": reciprocal(3e-4, 3e-2),
    }
    rnd_search_cv = RandomizedSearchCV(keras_reg, param_distribs, n_iter=2, cv=3,
                                       random_state=42)
    rnd_search_cv.fit(X_train, y_train, epochs=3,
                      validation_data=(X_valid, y_valid),
                      callbacks=[keras.callbacks.EarlyStopping(patience=10)])

    assert set(rnd_search_cv.best_params_) == {"n_hidden", "n_neurons", "learning_rate"}
    assert isinstance(rnd_search_cv.best_params_["n_neurons"], np.integer)
    assert rnd_search_cv.best_score_ < 0  # a negative MSE
    model = rnd_search_cv.best_estimator_.model
    assert isinstance(model, keras.Model)
    assert len(model.layers) == rnd_search_cv.best_params_["n_hidden"] + 1
    assert model.optimizer.iterations > 0  # trained (refit on the whole training set)
    assert model.predict(X_valid[:2], verbose=0).shape == (2, 1)


def test_note_002_spelling_with_learning_rate(housing_like):
    X_train, y_train, X_valid, y_valid, X_test, y_test = housing_like
    keras_reg = keras.wrappers.scikit_learn.KerasRegressor(bulid_model)
    keras_reg.fit(X_train, y_train, epochs=2, validation_data=(X_valid, y_valid),
                  callbacks=[keras.callbacks.EarlyStopping(patience=10)], verbose=0)
    assert keras_reg.score(X_test, y_test, verbose=0) < 0
    assert keras_reg.predict(X_test[:3], verbose=0).shape == (3,)
