"""The ways an epoch runs (one whole scan, pipelined chunks, lockstep chunks) train alike."""
import sys

import numpy as np
import pytest

import neurx as keras
from neurx.training import epoch_loop, trainer


def _fit(x, y, seed=3, epochs=3, **fit_kwargs):
    keras.rng.set_seed(seed)
    model = keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(8,)),
                              keras.layers.Dropout(0.2), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=16, epochs=epochs, **fit_kwargs)
    return model, history


@pytest.fixture
def calls(monkeypatch):
    """Which path ran each epoch, and in how many chunks: ("_pipelined", 1) is a whole epoch."""
    seen = []
    for name in ("_pipelined", "_lockstep"):
        original = getattr(epoch_loop, name)

        def spy(model, steps, batches, *rest, _original=original, _name=name):
            chunks = list(batches)
            seen.append((_name, len(chunks)))
            return _original(model, steps, iter(chunks), *rest)
        monkeypatch.setattr(epoch_loop, name, spy)
    return seen


def test_whole_pipelined_and_lockstep_epochs_give_the_same_training(housing_like, calls,
                                                                    monkeypatch, capsys):
    x, y = housing_like[:2]
    whole, whole_history = _fit(x, y, verbose=0)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)      # progress bar on a terminal
    monkeypatch.setattr(trainer, "_VISIBLE_EPOCH_FLOPS", 0)       # long enough to watch
    piped, piped_history = _fit(x, y, verbose=1)
    every_batch = keras.callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: None)
    lockstep, lockstep_history = _fit(x, y, verbose=0, callbacks=[every_batch])
    assert calls == [("_pipelined", 1)] * 3 + [("_pipelined", 25)] * 3 + [("_lockstep", 25)] * 3
    for model in (piped, lockstep):
        for got, expected in zip(model.get_weights(), whole.get_weights()):
            np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    for history in (piped_history, lockstep_history):
        np.testing.assert_allclose(history.history["loss"], whole_history.history["loss"],
                                   rtol=1e-5)
    assert "25/25" in capsys.readouterr().out


def test_on_a_terminal_short_epochs_run_whole_and_long_ones_in_equal_chunks(
        housing_like, calls, monkeypatch, capsys, fresh_programs):
    x, y = housing_like[:2]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    short, _ = _fit(x, y, verbose=1)                 # 400 rows x 161 parameters: tiny
    assert calls == [("_pipelined", 1)] * 3
    assert capsys.readouterr().out.count("/step - loss") == 3   # each epoch ends its bar
    monkeypatch.setattr(trainer, "_VISIBLE_EPOCH_FLOPS", 0)
    del calls[:]
    long, _ = _fit(x[:320], y[:320], verbose=1)      # 20 batches: 20 chunks of one
    assert calls == [("_pipelined", 20)] * 3 and long._trainer.steps.trace_counts["train"] == 1


def test_progress_chunks_divide_the_epoch_when_they_can():
    assert epoch_loop.progress_chunk(363) == 11            # 33 updates, one compiled size
    assert epoch_loop.progress_chunk(1875) == 75
    assert epoch_loop.progress_chunk(1719) == 58           # 3 x 3 x 191: the rest is one more size
    assert epoch_loop.progress_chunk(7) == 1


def test_a_stop_in_a_pipelined_epoch_keeps_the_weights_of_the_stopping_chunk(
        housing_like, monkeypatch):
    x, y = housing_like[:2]
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr(trainer, "_VISIBLE_EPOCH_FLOPS", 0)
    seen = []

    class StopAfterTwoChunks(keras.callbacks.TerminateOnNaN):   # content with chunk ends
        def on_train_batch_end(self, batch, logs=None):
            seen.append(batch)
            if len(seen) == 2:
                self.model.stop_training = True

    keras.rng.set_seed(3)
    model = keras.Sequential([keras.layers.Dense(1, input_shape=(8,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, batch_size=16, epochs=2, verbose=1, callbacks=[StopAfterTwoChunks()])
    assert seen == [0, 1] and model.optimizer.iterations == 2   # chunks of one batch
    stopped = model.get_weights()

    keras.rng.set_seed(3)
    reference = keras.Sequential([keras.layers.Dense(1, input_shape=(8,))])
    reference.compile(optimizer="sgd", loss="mse", steps_per_execution=1)
    reference.fit(x, y, batch_size=16, epochs=1, steps_per_epoch=2, verbose=0)
    for got, expected in zip(stopped, reference.get_weights()):
        np.testing.assert_allclose(got, expected, rtol=1e-6)
