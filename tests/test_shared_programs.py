"""Compiled programs shared by models of one structure, and data padded to shared row counts:
reusing a program gives what compiling afresh gives, and the cache keeps no model alive."""
import gc
import weakref

import numpy as np
import pytest
from scipy.stats import reciprocal
from sklearn.model_selection import RandomizedSearchCV
from tuner_models import build_regressor, regression_data

import neurx as keras
from neurx.training import chunks, shared_programs, steps
from neurx.tuners import RandomSearch

pytestmark = pytest.mark.usefixtures("fresh_programs")


def build_model(n_hidden=1, n_neurons=16, learning_rate=0.01, momentum=0.0, dropout=0.0,
                activation="relu", loss="mse"):
    model = keras.Sequential([keras.Input(shape=(8,))])
    for _ in range(n_hidden):
        model.add(keras.layers.Dense(n_neurons, activation=activation))
        if dropout:
            model.add(keras.layers.Dropout(dropout))
    model.add(keras.layers.Dense(1))
    model.compile(loss=loss, optimizer=keras.optimizers.SGD(learning_rate, momentum=momentum),
                  metrics=["mae"])
    return model


def seeded_fit(seed, x, y, validation, **build):
    keras.utils.set_random_seed(seed)
    model = build_model(**build)
    history = model.fit(x, y, epochs=2, batch_size=32, verbose=0, validation_data=validation)
    return model, history.history


def test_a_model_reusing_a_program_trains_as_one_compiling_its_own(housing_like):
    x, y, xv, yv = housing_like[:4]
    fresh, fresh_history = seeded_fit(1, x, y, (xv, yv), momentum=0.9, dropout=0.2)
    shared_programs.clear()
    other, _ = seeded_fit(2, x, y, (xv, yv), learning_rate=0.05, momentum=0.9, dropout=0.2)
    reusing, reusing_history = seeded_fit(1, x, y, (xv, yv), momentum=0.9, dropout=0.2)
    assert other._trainer.steps.trace_counts == {"train": 1, "test": 1, "predict": 0}
    assert reusing._trainer.steps.trace_counts == {"train": 0, "test": 0, "predict": 0}
    for got, expected in zip(reusing.get_weights(), fresh.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    for name in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(reusing_history[name], fresh_history[name], rtol=1e-6)
    np.testing.assert_allclose(reusing.predict(xv, verbose=0), fresh.predict(xv, verbose=0),
                               rtol=1e-6, atol=1e-7)
    assert float(reusing.optimizer.learning_rate) == pytest.approx(0.01)


def test_the_key_ignores_names_and_learning_rate_and_sees_everything_else():
    def key(**build):
        return steps.program_key(build_model(**build), None, build_model(**build).optimizer)
    assert key() == key() == key(learning_rate=0.5)
    different = [key(n_neurons=17), key(n_hidden=2), key(momentum=0.9), key(dropout=0.5),
                 key(activation="tanh")]
    assert len({key(), *different}) == 1 + len(different)


def test_user_code_gets_programs_of_its_own():
    def my_relu(v):
        return keras.ops.maximum(v, 0.0)

    class Scaled(keras.layers.Dense):
        pass

    with_function = build_model(activation=my_relu)
    with_layer = keras.Sequential([keras.Input(shape=(8,)), Scaled(1)])
    assert steps.program_key(with_function) is None and steps.program_key(with_layer) is None


def test_the_programs_keep_no_model_alive(housing_like):
    x, y = housing_like[:2]
    model = build_model()
    model.fit(x, y, epochs=1, verbose=0)
    model.predict(x, verbose=0)
    alive = weakref.ref(model)
    del model
    gc.collect()
    assert alive() is None and len(shared_programs._programs) == 2   # fit's and predict's


def batch_normalized_fit(x, y):
    model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(8),
                              keras.layers.BatchNormalization(), keras.layers.Dense(1)])
    model.compile(loss="mse", optimizer="adam", metrics=["mae"])
    history = model.fit(x, y, epochs=2, batch_size=32, validation_split=0.25, verbose=0)
    return model, history.history


def test_row_counts_that_pad_alike_share_programs_and_give_the_unpadded_results(
        housing_like, monkeypatch):
    x, y = housing_like[:2]
    padded, padded_history = batch_normalized_fit(x[:399], y[:399])   # 299 rows train
    second, _ = batch_normalized_fit(x[:397], y[:397])                 # 297 rows train
    assert chunks.padded_rows(299) == chunks.padded_rows(297) == 320
    counts = [m._trainer.steps.trace_counts["train"] for m in (padded, second)]
    assert counts == [1, 0]
    shared_programs.clear()
    monkeypatch.setattr(chunks, "padded_rows", lambda n: n)
    keras.rng.set_seed(42)
    unpadded, unpadded_history = batch_normalized_fit(x[:399], y[:399])
    # The weights include the BatchNormalization moving mean and variance.
    for got, expected in zip(padded.get_weights(), unpadded.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)
    for name in ("loss", "mae", "val_loss", "val_mae"):
        np.testing.assert_allclose(padded_history[name], unpadded_history[name], rtol=1e-6)


def search_scores(housing_like):
    x, y = housing_like[:2]
    keras.utils.set_random_seed(3)
    regressor = keras.wrappers.scikit_learn.KerasRegressor(build_model, verbose=0)
    distributions = {"n_neurons": [4], "learning_rate": reciprocal(3e-4, 3e-2)}
    search = RandomizedSearchCV(regressor, distributions, n_iter=2, cv=2, random_state=0,
                                refit=False)
    search.fit(x[:150], y[:150], epochs=2)
    return np.array([search.cv_results_[f"split{i}_test_score"] for i in range(2)])


def test_a_search_scores_as_its_candidates_trained_one_by_one(housing_like, monkeypatch):
    shared = search_scores(housing_like)
    assert len(shared_programs._programs) == 1   # the candidates differ in learning rate only
    monkeypatch.setattr(steps, "program_key", lambda *args: None)
    np.testing.assert_allclose(shared, search_scores(housing_like), rtol=1e-5)


def tuner_scores(tmp_path, name):
    x, y, xv, yv = regression_data()
    tuner = RandomSearch(build_regressor, objective="val_loss", max_trials=3, seed=7,
                         directory=str(tmp_path), project_name=name)
    tuner.search(x, y, epochs=1, validation_data=(xv, yv), verbose=0)
    return [t.score for t in tuner.oracle.trials.values()]


def test_a_tuner_scores_as_without_shared_programs(tmp_path, monkeypatch):
    shared = tuner_scores(tmp_path, "shared")
    monkeypatch.setattr(steps, "program_key", lambda *args: None)
    keras.rng.set_seed(42)
    np.testing.assert_allclose(shared, tuner_scores(tmp_path, "own"), rtol=1e-5)
