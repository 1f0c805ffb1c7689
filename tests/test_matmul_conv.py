"""Convolutions as patches @ kernel: same numbers as lax, and conv models that scan on CPU."""
import numpy as np
import pytest

import neurx as keras
from neurx.layers.convolutional import base_conv
from neurx.layers.convolutional.matmul_conv import conv_as_matmul


@pytest.mark.parametrize("rank,padding", [(1, "valid"), (1, "same"), (2, "valid"), (2, "same")])
@pytest.mark.parametrize("size", [1, 2, 3])
def test_patches_equal_lax_convolution(rank, padding, size):
    rs = np.random.RandomState(rank + size)
    x = rs.normal(size=(2,) + (7,) * rank + (3,)).astype("float32")
    kernel = rs.normal(size=(size,) * rank + (3, 4)).astype("float32")
    expected = base_conv.conv(x, kernel, (1,) * rank, padding, (1,) * rank, "channels_last")
    np.testing.assert_allclose(conv_as_matmul(x, kernel, padding), expected, rtol=1e-5,
                               atol=1e-5)


def _cnn(channels):
    model = keras.Sequential([keras.Input(shape=(8, 8, channels)),
                              keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
                              keras.layers.MaxPooling2D(2), keras.layers.Flatten(),
                              keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_narrow_convolutions_train_in_one_scan_and_wide_ones_per_batch():
    rs = np.random.RandomState(0)
    y = rs.randint(0, 3, 64)
    narrow, wide = _cnn(2), _cnn(64)            # 3x3x2 = 18 taps; 3x3x64 = 576 > 512
    for model in (narrow, wide):
        x = rs.normal(size=(64, 8, 8, model.input_shape[-1])).astype("float32")
        model.predict(x, verbose=0)
        model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    conv_narrow, conv_wide = narrow.layers[0], wide.layers[0]
    assert conv_narrow.can_run_as_matmul() and conv_narrow.as_matmul
    assert not conv_wide.can_run_as_matmul() and not conv_wide.as_matmul
    assert not narrow._trainer.steps.stepwise                   # whole epochs in one scan
    assert wide._trainer.steps.stepwise                         # stepped per batch


def test_training_with_patches_matches_training_with_lax(monkeypatch):
    rs = np.random.RandomState(1)
    x = rs.normal(size=(48, 8, 8, 2)).astype("float32")
    y = rs.randint(0, 3, 48)
    weights = []
    for eligible in (True, False):
        if not eligible:
            monkeypatch.setattr("neurx.training.steps.prepare_for_cpu_scan", lambda m: False)
        keras.rng.set_seed(5)
        model = _cnn(2)
        model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
