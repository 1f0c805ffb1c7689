"""Learning curves (`History.plot`, pandas) and the learning-rate finder, checked on a
linear regression whose divergence point 2 / lambda_max is known exactly."""
import numpy as np
import pytest

import neurx as keras
from neurx.callbacks import CallbackList, LearningRateFinder

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def regression_data(n=512, d=6, seed=0):
    """Linear data with unequal feature scales, and SGD's divergence rate 2 / lambda_max
    of the MSE Hessian 2 X^T X / n (X with a column of ones for the bias)."""
    rs = np.random.RandomState(seed)
    x = (rs.normal(size=(n, d)) * rs.uniform(0.5, 3.0, size=d)).astype("float32")
    y = (x @ rs.normal(size=d) + 0.1 * rs.normal(size=n)).astype("float32")
    design = np.hstack([x, np.ones((n, 1))]).astype("float64")
    lambda_max = np.linalg.eigvalsh(2 * design.T @ design / n).max()
    return x, y, 2.0 / lambda_max


def linear_model(optimizer=None):
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(6,))])
    model.compile(optimizer=optimizer or keras.optimizers.SGD(learning_rate=1e-3), loss="mse")
    return model


# ---------------------------------------------------------------------- learning curves
def test_history_plot_and_pandas_dataframe_plot():
    pd = pytest.importorskip("pandas")
    x, y, _ = regression_data(n=256)
    model = linear_model()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1e-2), loss="mse",
                  metrics=["mae"])
    history = model.fit(x, y, epochs=3, verbose=0, validation_split=0.25)

    frame = pd.DataFrame(history.history)  # the notes' learning-curve plot
    assert list(frame.columns) == ["loss", "mae", "val_loss", "val_mae"]
    ax = frame.plot(figsize=(8, 5), grid=True)
    assert len(ax.get_lines()) == 4 and ax.get_lines()[0].get_xdata().tolist() == [0, 1, 2]

    ax = history.plot(ylim=(0, 50), title="Learning curves")
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"loss", "mae", "val_loss", "val_mae"}
    np.testing.assert_allclose(lines["val_loss"].get_ydata(), history.history["val_loss"])
    assert lines["loss"].get_color() == lines["val_loss"].get_color() != lines["mae"].get_color()
    assert lines["val_loss"].get_linestyle() == "--" and ax.get_ylim() == (0, 50)
    assert ax.get_title() == "Learning curves" and ax.get_xlabel() == "Epoch"
    ax = keras.utils.plot_history(history, keys=["loss"])
    assert [line.get_label() for line in ax.get_lines()] == ["loss"]
    # validation_freq=2: the validation points sit at the epochs they were measured.
    ax = keras.utils.plot_history({"loss": [3, 2, 1, 0.5], "val_loss": [2.5, 0.7]})
    assert ax.get_lines()[1].get_xdata().tolist() == [1, 3]
    with pytest.raises(ValueError, match="No such keys.*'mae'"):
        history.plot(keys=["acc"])
    with pytest.raises(ValueError, match="history is empty"):
        keras.callbacks.History().plot()


# ---------------------------------------------------------------------- the finder
def test_finder_suggestion_is_below_the_divergence_point_and_restores():
    x, y, diverges_above = regression_data()
    model = linear_model()
    initial = model.get_weights()
    result = model.find_learning_rate(x, y, start=1e-5, end=10, steps=200, batch_size=32)
    rates, losses, suggestion = result
    assert len(rates) == len(losses) < 200  # stopped once the loss exploded
    assert rates[0] == pytest.approx(1e-5)
    assert np.allclose(np.diff(np.log(rates)), np.log(1e6) / 199, rtol=1e-4)  # exponential
    assert rates[-1] > diverges_above  # it went past the divergence point, then stopped
    assert 1e-4 * diverges_above < suggestion < diverges_above

    # The model is as before: weights, untouched optimizer, learning rate, no history.
    for before, after in zip(initial, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert model.optimizer.iterations == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    assert getattr(model, "history", None) is None

    # Training at the suggestion converges; at 1.5x the divergence point it does not.
    model.optimizer.learning_rate = suggestion
    good = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert good[-1] < 0.1 * good[0]
    model.set_weights(initial)
    model.optimizer.learning_rate = 1.5 * diverges_above
    bad = model.fit(x, y, epochs=3, verbose=0).history["loss"]
    assert not bad[-1] < bad[0]


def test_finder_callback_restores_momentum_state_and_plots():
    x, y, _ = regression_data(n=256)
    model = linear_model(keras.optimizers.SGD(learning_rate=1e-3, momentum=0.9))
    finder = LearningRateFinder(start=1e-4, end=1.0, steps=30, restore=False)
    assert CallbackList([finder]).needs_batch_hooks("train")
    history = model.fit(x, y, batch_size=16, epochs=5, verbose=0, callbacks=[finder])
    assert len(finder.rates) <= 30 and model.optimizer.iterations == len(finder.rates)
    result = finder.result()
    ax = result.plot()
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "Learning rate"
    assert ax.get_lines()[0].get_xdata().tolist() == result.rates
    assert any("suggested" in line.get_label() for line in ax.get_lines())

    # A second sweep from this trained state puts everything back, momentum included.
    model.optimizer.learning_rate = 1e-3
    weights = model.get_weights()
    iterations = model.optimizer.iterations
    slots = [np.asarray(v) for v in model.optimizer.variables]
    assert any(np.any(s != 0) for s in slots[1:])  # momentum is non-zero
    keras.utils.find_learning_rate(model, x, y, start=1e-4, end=1.0, steps=30, batch_size=16)
    for before, after in zip(weights, model.get_weights()):
        np.testing.assert_array_equal(before, after)
    assert model.optimizer.iterations == iterations
    assert float(model.optimizer.learning_rate) == pytest.approx(1e-3)
    for before, after in zip(slots, model.optimizer.variables):
        np.testing.assert_array_equal(before, np.asarray(after))
    assert model.history is history


def test_finder_errors():
    x, y, _ = regression_data(n=64)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(6,))])
    with pytest.raises(RuntimeError, match="compile.*before find_learning_rate"):
        model.find_learning_rate(x, y)
    schedule = keras.optimizers.schedules.ExponentialDecay(0.1, 10, 0.9)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=schedule), loss="mse")
    with pytest.raises(TypeError, match="float `learning_rate`, not a schedule"):
        model.find_learning_rate(x, y, steps=5)
    with pytest.raises(ValueError, match="0 < start < end"):
        LearningRateFinder(start=1.0, end=0.1)
    with pytest.raises(ValueError, match="steps"):
        LearningRateFinder(steps=1)
