"""Progbar / ProgbarLogger text: the exact lines tf.keras 2 printed."""
import sys

import numpy as np
import pytest

from neurx.callbacks import CallbackList, ProgbarLogger
from neurx.support import progbar as progbar_module
from neurx.utils import Progbar

BAR_FULL = "[" + "=" * 30 + "]"


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, "_clock", fake)
    return fake


@pytest.fixture
def tty(monkeypatch, capsys):
    """Call it first thing in the test: the captured stdout then claims to be a
    terminal (capsys swaps sys.stdout in only once the test body runs)."""

    def activate():
        monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
        return capsys

    return activate


def run_epoch(callbacks, clock, steps=1500, chunks=(1, 750, 1500), seconds=3.0,
              logs=None, val_logs=None, epoch=0):
    """Drives `callbacks` as the trainer does: chunks ending at the given steps."""
    logs = logs or {"loss": 0.6051, "accuracy": 0.7949}
    start = clock.now
    callbacks.on_epoch_begin(epoch)
    for end in chunks:
        clock.now = start + seconds * (0.4 if end == 1 else end / steps)
        callbacks.on_train_batch_begin(0)
        callbacks.on_train_batch_end(end - 1, dict(logs))
    clock.now = start + seconds
    callbacks.on_epoch_end(epoch, {**logs, **(val_logs or {})})


def make_list(verbose, epochs=5, steps=1500):
    cbs = CallbackList([], add_history=True, add_progbar=True, model=type("M", (), {})(),
                       verbose=verbose, epochs=epochs, steps=steps)
    cbs.on_train_begin()
    return cbs


def test_fit_verbose1_not_a_terminal_prints_only_the_final_line(clock, capsys):
    cbs = make_list(1)
    run_epoch(cbs, clock)
    out = capsys.readouterr().out
    # first step took 1.2s (compiling), the other 1499 took 1.8s: 1ms/step
    assert out == (f"Epoch 1/5\n1500/1500 {BAR_FULL} - 3s 1ms/step"
                   " - loss: 0.6051 - accuracy: 0.7949\n")


def test_fit_verbose1_shows_validation_metrics(clock, capsys):
    cbs = make_list(1)
    run_epoch(cbs, clock, val_logs={"val_loss": 0.5, "val_accuracy": 0.81})
    line = capsys.readouterr().out.splitlines()[1]
    assert line.startswith(f"1500/1500 {BAR_FULL} - ")
    assert line.endswith(" - loss: 0.6051 - accuracy: 0.7949 - val_loss: 0.5000"
                         " - val_accuracy: 0.8100")


def test_fit_verbose2_prints_one_line_per_epoch(clock, capsys):
    cbs = make_list(2)
    run_epoch(cbs, clock, val_logs={"val_loss": 0.5})
    run_epoch(cbs, clock, epoch=1)
    out = capsys.readouterr().out
    assert out == ("Epoch 1/5\n1500/1500 - 3s - loss: 0.6051 - accuracy: 0.7949"
                   " - val_loss: 0.5000 - 3s/epoch - 2ms/step\n"
                   "Epoch 2/5\n1500/1500 - 3s - loss: 0.6051 - accuracy: 0.7949"
                   " - 3s/epoch - 2ms/step\n")


def test_fit_verbose1_on_a_terminal_redraws_in_place(clock, tty):
    term = tty()
    cbs = make_list(1)
    run_epoch(cbs, clock)
    out = term.readouterr().out
    metrics = " - loss: 0.6051 - accuracy: 0.7949"
    # ETA from the first step (1.2 s: it compiles), then from the later ones
    first = f"   1/1500 [{'.' * 30}] - ETA: 29:58" + metrics
    middle = f" 750/1500 [{'=' * 14}>{'.' * 15}] - ETA: 0s" + metrics + "   "
    at_end = f"1500/1500 {BAR_FULL} - ETA: 0s" + metrics
    last = f"1500/1500 {BAR_FULL} - 3s 1ms/step" + metrics + "\n"
    expected = ("Epoch 1/5\n" + "\r" + first
                + "\b" * len(first) + "\r" + middle
                + "\b" * (len(middle) - 3) + "\r" + at_end
                + "\b" * len(at_end) + "\r" + last)
    assert out == expected


def test_terminal_updates_are_throttled_by_interval(clock, tty):
    term = tty()
    bar = Progbar(100, interval=0.05)
    bar.update(1)
    clock.now += 0.01
    bar.update(2)  # too soon: not drawn
    clock.now += 0.1
    bar.update(3)
    out = term.readouterr().out
    assert out.count("\r") == 2 and "  2/100" not in out and "  3/100" in out


def test_shorter_line_is_padded_over_the_longer_one(clock, tty):
    term = tty()
    bar = Progbar(10, stateful_metrics=["loss"])
    bar.update(1, [("loss", 1234567890.25)])
    clock.now += 1
    bar.update(10, [("loss", 1.0)], finalize=True)
    out = term.readouterr().out
    last = out.rsplit("\r", 1)[1]
    assert last.endswith(" \n") and last.startswith(f"10/10 {BAR_FULL} - 1s")


def test_evaluate_prints_once_with_test_metrics(clock, capsys):
    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=313)
    cbs.on_test_begin()
    clock.now += 0.5
    cbs.on_test_batch_end(0, {"loss": 0.3})
    clock.now += 0.5
    cbs.on_test_batch_end(312, {"loss": 0.31, "accuracy": 0.9})
    cbs.on_test_end({"loss": 0.31, "accuracy": 0.9})
    out = capsys.readouterr().out
    assert out == f"313/313 {BAR_FULL} - 1s 2ms/step - loss: 0.3100 - accuracy: 0.9000\n"


def test_validation_inside_fit_is_silent(clock, capsys):
    cbs = make_list(1, epochs=1, steps=10)
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(9, {"loss": 1.0})
    cbs.on_test_begin()
    cbs.on_test_batch_end(3, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0})
    cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    cbs.on_train_end()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("10/10 [")  # epochs=1: no header
    assert out.endswith(" - loss: 1.0000 - val_loss: 2.0000\n")


def test_predict_bar_has_no_metrics(clock, capsys):
    cbs = CallbackList([], add_progbar=True, verbose=1, epochs=1, steps=4)
    cbs.on_predict_begin()
    clock.now += 0.004
    cbs.on_predict_batch_end(3, {"outputs": np.ones(3)})
    cbs.on_predict_end()
    assert capsys.readouterr().out == f"4/4 {BAR_FULL} - 0s 1ms/step\n"


def test_unknown_steps_learns_the_target_after_the_first_epoch(clock, capsys):
    cbs = make_list(1, epochs=2, steps=None)
    run_epoch(cbs, clock, steps=12, chunks=(12,), seconds=0.012)
    run_epoch(cbs, clock, steps=12, chunks=(12,), seconds=0.012, epoch=1)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(f"12/12 {BAR_FULL} - 0s 1ms/step")
    assert lines[3].startswith(f"12/12 {BAR_FULL} - 0s 1ms/step")


def test_unknown_target_progbar_line(clock, tty):
    term = tty()
    bar = Progbar(None)
    clock.now += 3
    bar.update(12, [("loss", 0.5)])
    assert term.readouterr().out == "\r     12/Unknown - 3s 250ms/step - loss: 0.5000"


def test_tiny_values_use_exponent_and_units(clock, capsys):
    bar = Progbar(2, verbose=1)
    clock.now += 2e-4
    bar.update(2, [("loss", 1e-5), ("mae", -2e-4)])
    assert capsys.readouterr().out == (f"2/2 {BAR_FULL} - 0s 100us/step"
                                       " - loss: 1.0000e-05 - mae: -2.0000e-04\n")


@pytest.mark.parametrize("eta, text", [(5.4, "5s"), (125.0, "2:05"), (3725.0, "1:02:05")])
def test_eta_formats(clock, tty, eta, text):
    term = tty()
    bar = Progbar(2)
    clock.now += eta
    bar.update(1)
    assert term.readouterr().out.endswith(f" - ETA: {text}")


def test_seconds_per_step(clock, capsys):
    bar = Progbar(3)
    clock.now += 6
    bar.update(3)
    assert capsys.readouterr().out == f"3/3 {BAR_FULL} - 6s 2s/step\n"


def test_values_are_averaged_unless_stateful(clock, capsys):
    bar = Progbar(4, stateful_metrics=["acc"])
    bar.update(1, [("loss", 1.0), ("acc", 0.1)])
    bar.update(3, [("loss", 4.0), ("acc", 0.5)])  # loss weighted by 2 steps
    bar.add(1, [("loss", 3.0), ("acc", 0.75)])
    out = capsys.readouterr().out
    assert out.endswith(" - loss: 3.0000 - acc: 0.7500\n")  # (1 + 8 + 3) / 4


def test_width_and_verbose0(clock, capsys):
    Progbar(5, width=10).update(5)
    Progbar(5, verbose=0).update(5)
    assert capsys.readouterr().out.startswith("5/5 [==========] - ")


def test_progbar_logger_shows_lr_once(clock, capsys):
    cbs = make_list(2, epochs=1, steps=1)
    run_epoch(cbs, clock, steps=1, chunks=(1,), logs={"loss": 0.5})
    capsys.readouterr()
    cbs.on_epoch_begin(1)
    cbs.on_train_batch_end(0, {"loss": 0.5})
    cbs.on_epoch_end(1, {"loss": 0.5, "learning_rate": 0.01, "lr": 0.01})
    out = capsys.readouterr().out
    assert " - lr: 0.0100" in out and "learning_rate" not in out


def test_verbose0_list_has_no_progbar(capsys):
    cbs = CallbackList([], add_history=True, add_progbar=False, verbose=0, epochs=2, steps=3)
    cbs.on_epoch_begin(0)
    cbs.on_epoch_end(0, {"loss": 1.0})
    assert capsys.readouterr().out == ""
    assert not any(isinstance(c, ProgbarLogger) for c in cbs.callbacks)


def test_progbar_rejects_bad_verbose():
    with pytest.raises(ValueError, match=r"Received: verbose=3"):
        Progbar(10, verbose=3)
