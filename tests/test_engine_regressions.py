"""Regressions from issue 15: arguments that behaved differently by data source, a loss's
own reduction ignored by the trainer, and optimizer state matched to variables by count."""
import keras as real_keras
import numpy as np
import pytest

import neurx as keras


class _Rows(keras.utils.Sequence):
    def __init__(self, x, y, batch_size=16):
        super().__init__()
        self.x, self.y, self.batch_size = x, y, batch_size

    def __len__(self):
        return -(-len(self.x) // self.batch_size)

    def __getitem__(self, i):
        part = slice(i * self.batch_size, (i + 1) * self.batch_size)
        return self.x[part], self.y[part]


def _regressor():
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


def test_validation_freq_validates_the_same_epochs_for_a_sequence_as_for_arrays():
    rs = np.random.RandomState(0)
    x, y = rs.normal(size=(32, 3)).astype("float32"), rs.normal(size=32).astype("float32")
    validated = {}
    for kind, data in (("arrays", (x, y)), ("sequence", (_Rows(x, y),))):
        model = _regressor()
        history = model.fit(*data, epochs=4, validation_freq=2, verbose=0,
                            validation_data=(x, y))
        validated[kind] = len(history.history["val_loss"])
    assert validated == {"arrays": 2, "sequence": 2}


@pytest.mark.parametrize("reduction", ["sum", "sum_over_batch_size", "mean_with_sample_weight"])
def test_a_loss_reduction_evaluates_as_in_keras(reduction):
    rs = np.random.RandomState(1)
    x = rs.normal(size=(8, 3)).astype("float32")
    y = rs.normal(size=(8, 1)).astype("float32")
    kernel, bias = rs.normal(size=(3, 1)).astype("float32"), np.ones(1, "float32")
    results = []
    for library in (keras, real_keras):
        model = library.Sequential([library.Input((3,)), library.layers.Dense(1)])
        model.set_weights([kernel, bias])
        model.compile(optimizer="sgd", loss=library.losses.MeanSquaredError(reduction=reduction))
        results.append(model.evaluate(x, y, verbose=0))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)
    if reduction == "sum":
        per_row = float(np.mean((x @ kernel + bias - y) ** 2))
        np.testing.assert_allclose(results[0], 8 * per_row, rtol=1e-5)


def test_recompiling_after_swapping_which_layer_is_frozen_trains():
    rs = np.random.RandomState(2)
    x, y = rs.normal(size=(16, 5)).astype("float32"), rs.normal(size=(16, 4)).astype("float32")
    # 5x2 + 2 and 2x4 + 4: the same parameter count, other shapes.
    first, second = keras.layers.Dense(2), keras.layers.Dense(4)
    model = keras.Sequential([keras.Input((5,)), first, second])
    second.trainable = False
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    frozen_kernel = first.get_weights()[0]
    first.trainable, second.trainable = False, True
    model.compile(optimizer=model.optimizer, loss="mse")
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(first.get_weights()[0], frozen_kernel)
    assert np.isfinite(model.evaluate(x, y, verbose=0))
