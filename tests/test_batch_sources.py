"""Every batch source trains, validates and weighs alike: device arrays, staged memmaps, a
generator and a `PyDataset` give the same history and weights for each of fit's arguments."""
import threading

import numpy as np
import pytest

import neurx as keras
from neurx.training.data import Prefetcher

ROWS, BATCH, EPOCHS = 40, 16, 3
_rs = np.random.RandomState(0)
X = _rs.normal(size=(ROWS, 4)).astype("float32")
Y = (X[:, 0] > 0).astype("int32") + (X[:, 1] > 1).astype("int32")
WEIGHTS = np.linspace(0.2, 2.0, ROWS).astype("float32")
VALIDATION = (X[:12] + 0.5, Y[:12])

CASES = {
    "plain": {},
    "validation_freq": {"validation_freq": 2},
    "class_weight": {"class_weight": {0: 1.0, 1: 3.0, 2: 0.5}},
    "sample_weight": {"sample_weight": WEIGHTS},
    "initial_epoch": {"initial_epoch": 1},
    "steps_per_epoch": {"steps_per_epoch": 2},
}


class _Batches(keras.utils.PyDataset):
    def __init__(self, arrays, batches):
        super().__init__()
        self.arrays, self.batches = arrays, batches

    def __len__(self):
        return self.batches

    def __getitem__(self, i):
        return tuple(a[i * BATCH:(i + 1) * BATCH] for a in self.arrays)


def _endless(arrays, batches):
    while True:
        for i in range(batches):
            yield tuple(a[i * BATCH:(i + 1) * BATCH] for a in arrays)


def _data(kind, fit_kwargs, tmp_path):
    """`(x, y, fit kwargs)` of one source; batches of a stream are the arrays' batches in order."""
    kwargs = dict(fit_kwargs)
    if kind in ("arrays", "memmap"):
        x = X
        if kind == "memmap":
            x = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype="float32",
                                          shape=X.shape)
            x[:] = X
        return x, Y, kwargs
    arrays = (X, Y) if "sample_weight" not in kwargs else (X, Y, kwargs.pop("sample_weight"))
    batches = kwargs.get("steps_per_epoch") or -(-ROWS // BATCH)
    if kind == "generator":
        kwargs.setdefault("steps_per_epoch", batches)
        return _endless(arrays, batches), None, kwargs
    return _Batches(arrays, batches), None, kwargs


@pytest.fixture(scope="module")
def classifier():
    """One model for the whole matrix, reset to its first weights before each fit, so that
    the programs every source shares are compiled once."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model, model.get_weights()


def _train(classifier, kind, fit_kwargs, tmp_path):
    model, initial_weights = classifier
    model.set_weights(initial_weights)
    x, y, kwargs = _data(kind, fit_kwargs, tmp_path)
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, shuffle=False, verbose=0,
                        validation_data=VALIDATION, **kwargs)
    return history.history, model.get_weights()


@pytest.mark.parametrize("case", list(CASES))
def test_each_source_gives_the_arrays_results(case, classifier, tmp_path):
    expected_history, expected_weights = _train(classifier, "arrays", CASES[case], tmp_path)
    validated_epochs = {"validation_freq": 1, "initial_epoch": 2}.get(case, EPOCHS)
    assert len(expected_history["val_loss"]) == validated_epochs
    for kind in ("memmap", "generator", "sequence"):
        history, weights = _train(classifier, kind, CASES[case], tmp_path)
        assert history.keys() == expected_history.keys(), kind
        for name, values in expected_history.items():
            np.testing.assert_allclose(history[name], values, rtol=1e-5, err_msg=f"{kind} {name}")
        for got, want in zip(weights, expected_weights):
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=kind)


@pytest.mark.parametrize("kind", ["arrays", "generator", "sequence"])
def test_evaluate_and_predict_read_every_source_alike(kind, classifier, tmp_path):
    model = classifier[0]
    expected = model.evaluate(X, Y, batch_size=BATCH, sample_weight=WEIGHTS, verbose=0)
    expected_predictions = model.predict(X, batch_size=BATCH, verbose=0)
    batches = -(-ROWS // BATCH)
    x, y, _ = _data(kind, {"sample_weight": WEIGHTS}, tmp_path)
    steps = None if kind == "arrays" else batches
    weights = WEIGHTS if kind == "arrays" else None
    got = model.evaluate(x, y, batch_size=BATCH, sample_weight=weights, steps=steps, verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    x, _, _ = _data(kind, {}, tmp_path)
    predictions = model.predict(x, batch_size=BATCH, steps=steps, verbose=0)
    np.testing.assert_allclose(predictions, expected_predictions, rtol=1e-6)


def _reader_threads() -> list:
    return [t for t in threading.enumerate()
            if t.name == Prefetcher.THREAD_NAME and t.is_alive()]


@pytest.mark.parametrize("kind", ["generator", "sequence"])
def test_no_reader_thread_outlives_fit_evaluate_or_predict(kind, classifier, tmp_path):
    """A stream is read ahead by a thread; each call stops its threads before it returns, also
    when steps_per_epoch cuts a PyDataset short and when the source raises mid-fit."""
    model = classifier[0]
    assert _reader_threads() == []
    x, _, kwargs = _data(kind, {"steps_per_epoch": 2}, tmp_path)
    validation, _, _ = _data(kind, {}, tmp_path)
    model.fit(x, epochs=2, verbose=0, validation_data=validation, validation_steps=1, **kwargs)
    assert _reader_threads() == []
    model.evaluate(x, steps=2, verbose=0)
    assert _reader_threads() == []
    model.predict(_data(kind, {}, tmp_path)[0], steps=2, verbose=0)
    assert _reader_threads() == []

    def failing():
        yield X[:BATCH], Y[:BATCH]
        raise OSError("disk gone")
    with pytest.raises(OSError, match="disk gone"):
        model.fit(failing(), epochs=1, steps_per_epoch=3, verbose=0)
    assert _reader_threads() == []
