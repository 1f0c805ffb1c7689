"""neurx.callbacks, driven hook by hook with a fake model; the monitoring
callbacks are compared with the real Keras 3 ones fed the same logs."""
import itertools
import os
import types

import numpy as np
import pytest

os.environ["KERAS_BACKEND"] = "jax"
keras = pytest.importorskip("keras")

from neurx import callbacks as nx  # noqa: E402
from neurx.callbacks import Callback, CallbackList, CallbackWarning  # noqa: E402
from neurx.callbacks.monitor import metric_direction  # noqa: E402


class FakeOptimizer:
    """An optimizer with a `learning_rate` property, stored in float32."""

    def __init__(self, learning_rate=0.01):
        self._lr = np.float32(learning_rate)

    @property
    def learning_rate(self):
        return self._lr

    @learning_rate.setter
    def learning_rate(self, value):
        self._lr = np.float32(value)


class FakeModel:
    def __init__(self, learning_rate=0.01, metrics=()):
        self.weights = [np.zeros(2), np.zeros(())]
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.metrics = list(metrics)
        self.set_calls = 0

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.set_calls += 1
        self.weights = [np.array(w) for w in weights]


def drive(callback, values, monitor="val_loss", lr=0.01):
    """Runs epochs as `fit` does (weights change every epoch, stop when asked).
    Returns the trace of decisions and the model."""
    model = FakeModel(lr)
    callback.set_model(model)
    callback.on_train_begin({})
    trace = []
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch, {})
        model.weights = [np.full(2, float(epoch)), np.array(float(epoch))]
        logs = {"loss": 1.0, monitor: value}
        callback.on_epoch_end(epoch, logs)
        trace.append((epoch, model.stop_training, float(model.optimizer.learning_rate),
                      logs.get("learning_rate")))
        if model.stop_training:
            break
    callback.on_train_end({})
    return trace, model


# Values on a 1/64 grid and min_delta on a 1/16 grid: exact in float32 (Keras
# compares with float32 ops) and float64 alike.
_rng = np.random.default_rng(0)
SEQUENCES = [list(np.round(_rng.uniform(0, 1, 12) * 64) / 64) for _ in range(4)]
SEQUENCES += [[0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [1.0, 0.75, 0.5, 0.25, 0.125, 0.0625],
              [0.25, 0.5, 0.75, 0.5, 0.25, 0.75, 1.0, 0.25]]


@pytest.mark.parametrize("mode,monitor", [("min", "val_loss"), ("max", "val_acc"),
                                          ("auto", "val_loss"), ("auto", "loss")])
def test_early_stopping_matches_keras(mode, monitor):
    grid = itertools.product([0, 1, 3], [0, 0.0625], [None, 0.5], [False, True], [0, 2])
    for values, (patience, min_delta, baseline, restore, start) in itertools.product(
            SEQUENCES, grid):
        kwargs = dict(monitor=monitor, patience=patience, min_delta=min_delta, mode=mode,
                      baseline=baseline, restore_best_weights=restore, start_from_epoch=start)
        ours, keras_cb = nx.EarlyStopping(**kwargs), keras.callbacks.EarlyStopping(**kwargs)
        trace_ours, model_ours = drive(ours, values, monitor)
        trace_keras, model_keras = drive(keras_cb, values, monitor)
        where = f"{kwargs} on {values}"
        assert trace_ours == trace_keras, where
        assert ours.stopped_epoch == keras_cb.stopped_epoch, where
        assert ours.best == keras_cb.best and ours.wait == keras_cb.wait, where
        assert ours.best_epoch == keras_cb.best_epoch, where
        for a, b in zip(model_ours.weights, model_keras.weights):
            np.testing.assert_array_equal(a, b)
        assert model_ours.set_calls == model_keras.set_calls, where


def test_early_stopping_restores_best_weights_at_the_end_even_without_stopping():
    callback = nx.EarlyStopping(monitor="loss", patience=10, restore_best_weights=True)
    trace, model = drive(callback, [0.5, 0.25, 0.75], monitor="loss")
    assert not trace[-1][1]
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])  # epoch 1 was best


def test_early_stopping_auto_mode_directions():
    up = nx.EarlyStopping(monitor="val_accuracy", patience=0)
    trace, _ = drive(up, [0.5, 0.75, 0.25], monitor="val_accuracy")
    assert [t[1] for t in trace] == [False, False, True]  # accuracy should go up
    for name in ["val_auc", "val_precision_1", "dense_1_accuracy",
                 "val_sparse_top_k_categorical_accuracy"]:
        assert metric_direction(None, name) == "up"
    for name in ["val_mae", "mse", "val_out_loss", "val_sparse_categorical_crossentropy"]:
        assert metric_direction(None, name) == "down"


def test_auto_mode_reads_metric_direction_from_the_model():
    metric = types.SimpleNamespace(name="score", _direction="up")
    container = types.SimpleNamespace(metrics=[metric])
    callback = nx.EarlyStopping(monitor="val_score")
    callback.set_model(FakeModel(metrics=[container]))
    callback._set_monitor_op()
    assert callback._is_improvement(2.0, 1.0)


def test_auto_mode_unknown_metric_asks_for_mode():
    callback = nx.EarlyStopping(monitor="val_mystery")
    with pytest.raises(ValueError, match=r"monitor=val_mystery.*Pass `mode='max'`"):
        drive(callback, [0.5], monitor="val_mystery")


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(CallbackWarning, match="mode 'down' is unknown"):
        callback = nx.EarlyStopping(mode="down")
    assert callback.mode == "auto"


def test_missing_monitor_warns_with_available_keys():
    callback = nx.EarlyStopping(monitor="val_loss")
    callback.set_model(FakeModel())
    with pytest.warns(CallbackWarning, match=r"`val_loss` which is not available\. "
                                             r"Available metrics are: loss,accuracy"):
        callback.on_epoch_end(0, {"loss": 1.0, "accuracy": 0.5})
    assert issubclass(CallbackWarning, UserWarning)


def test_early_stopping_verbose_messages(capsys):
    callback = nx.EarlyStopping(monitor="loss", patience=0, verbose=1,
                                restore_best_weights=True)
    drive(callback, [0.5, 0.75], monitor="loss")
    assert capsys.readouterr().out == ("Epoch 2: early stopping\nRestoring model weights "
                                       "from the end of the best epoch: 1.\n")


@pytest.mark.parametrize("mode,monitor", [("min", "val_loss"), ("max", "val_acc"),
                                          ("auto", "val_loss")])
def test_reduce_lr_on_plateau_matches_keras(mode, monitor):
    grid = itertools.product([0, 1, 2], [0.5, 0.125], [0, 0.0625], [0, 1, 2], [0.0, 0.002])
    for values, (patience, factor, min_delta, cooldown, min_lr) in itertools.product(
            SEQUENCES, grid):
        kwargs = dict(monitor=monitor, patience=patience, factor=factor, mode=mode,
                      min_delta=min_delta, cooldown=cooldown, min_lr=min_lr)
        ours = nx.ReduceLROnPlateau(**kwargs)
        theirs = keras.callbacks.ReduceLROnPlateau(**kwargs)
        trace_ours, _ = drive(ours, values, monitor)
        trace_keras, _ = drive(theirs, values, monitor)
        assert trace_ours == trace_keras, f"{kwargs} on {values}"
        assert (ours.wait, ours.cooldown_counter, ours.best) == (
            theirs.wait, theirs.cooldown_counter, theirs.best)


def test_reduce_lr_logs_learning_rate_and_lr_into_history():
    model = FakeModel(0.1)
    cbs = CallbackList([nx.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0)],
                       add_history=True, model=model, verbose=0, epochs=3, steps=1)
    cbs.on_train_begin()
    for epoch, loss in enumerate([1.0, 1.0, 1.0]):
        cbs.on_epoch_end(epoch, {"loss": loss})
    history = model.history.history
    assert list(history) == ["loss", "learning_rate", "lr"]
    np.testing.assert_allclose(history["lr"], [0.1, 0.1, 0.05], rtol=1e-6)
    assert history["lr"] == history["learning_rate"]
    assert all(isinstance(v, float) for v in history["lr"])


def test_reduce_lr_min_lr_and_message(capsys):
    callback = nx.ReduceLROnPlateau(monitor="loss", factor=0.1, patience=0, min_lr=0.005,
                                    verbose=1)
    trace, model = drive(callback, [1.0, 1.0, 1.0], monitor="loss", lr=0.01)
    assert float(model.optimizer.learning_rate) == np.float32(0.005)
    out = capsys.readouterr().out
    assert out.count("ReduceLROnPlateau reducing learning rate to") == 1
    assert out.startswith("\nEpoch 2: ReduceLROnPlateau reducing learning rate to 0.005.")


def test_reduce_lr_errors_and_warnings():
    with pytest.raises(ValueError, match=r"`factor` of ReduceLROnPlateau must be a number "
                                         r"in \(0, 1\). Received: factor=2"):
        nx.ReduceLROnPlateau(factor=2)
    callback = nx.ReduceLROnPlateau(monitor="val_loss")
    callback.set_model(FakeModel())
    with pytest.warns(CallbackWarning, match=r"Learning rate reduction is conditioned on "
                                             r"metric `val_loss`.*loss,learning_rate,lr"):
        callback.on_epoch_end(0, {"loss": 1.0})


def test_learning_rate_scheduler_matches_keras_and_logs_lr():
    def schedule(epoch, lr):
        return lr if epoch < 2 else lr * float(np.exp(-0.1))

    traces = []
    for callback in (nx.LearningRateScheduler(schedule),
                     keras.callbacks.LearningRateScheduler(schedule)):
        traces.append(drive(callback, [1.0] * 5)[0])
    assert traces[0] == traces[1]
    callback = nx.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))  # Keras 2 form
    callback.set_model(FakeModel())
    logs = {"loss": 1.0}
    callback.on_epoch_begin(3)
    callback.on_epoch_end(3, logs)
    assert logs["lr"] == logs["learning_rate"] == float(np.float32(0.025))


def test_learning_rate_scheduler_accepts_array_scalars_and_rejects_the_rest(capsys):
    import jax.numpy as jnp

    callback = nx.LearningRateScheduler(lambda epoch, lr: jnp.float32(0.5) * lr, verbose=1)
    callback.set_model(FakeModel(0.02))
    callback.on_epoch_begin(0)
    assert callback.model.optimizer.learning_rate == np.float32(0.01)
    assert capsys.readouterr().out == ("\nEpoch 1: LearningRateScheduler setting learning "
                                       f"rate to {float(np.float32(0.01))}.\n")
    bad = nx.LearningRateScheduler(lambda epoch: "fast")
    bad.set_model(FakeModel())
    with pytest.raises(ValueError, match="should be a float. Got: 'fast'"):
        bad.on_epoch_begin(0)

    def broken(epoch, lr):
        raise TypeError("a bug inside the schedule")

    inner = nx.LearningRateScheduler(broken)
    inner.set_model(FakeModel())
    with pytest.raises(TypeError, match="a bug inside the schedule"):
        inner.on_epoch_begin(0)  # not mistaken for the one-argument form
    with pytest.raises(TypeError, match="expects a function"):
        nx.LearningRateScheduler(0.1)


def test_lambda_callback_calls_the_given_functions():
    seen = []
    callback = nx.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: seen.append(("epoch_begin", epoch)),
        on_train_end=lambda logs: seen.append(("train_end", logs)),
        on_batch_end=lambda batch, logs: seen.append(("batch_end", batch, logs["loss"])),
        on_test_end=lambda logs: seen.append(("test_end", logs)))
    cbs = CallbackList([callback], model=FakeModel(), verbose=0, epochs=1, steps=2)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(1, {"loss": np.float32(0.5)})
    cbs.on_test_end({"loss": 2})
    cbs.on_train_end({"loss": 0.5})
    assert seen == [("epoch_begin", 0), ("batch_end", 1, 0.5), ("test_end", {"loss": 2.0}),
                    ("train_end", {"loss": 0.5})]
    assert cbs.needs_batch_hooks("train") and not cbs.needs_batch_hooks("test")


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(TypeError, match=r"'on_epoch_ends'.*Did you mean 'on_epoch_end'"):
        nx.LambdaCallback(on_epoch_ends=print)
    with pytest.raises(TypeError, match=r"expects a function for `on_epoch_end`"):
        nx.LambdaCallback(on_epoch_end=3)


def test_terminate_on_nan(capsys):
    model = FakeModel()
    cbs = CallbackList([nx.TerminateOnNaN()], model=model, verbose=0, epochs=1, steps=1)
    cbs.on_train_begin()
    cbs.on_train_batch_end(4, {"loss": 0.5})
    assert not model.stop_training
    cbs.on_train_batch_end(9, {"loss": np.float32(np.nan)})
    cbs.on_epoch_end(0, {"loss": float("nan")})
    assert model.stop_training
    assert capsys.readouterr().out == "Batch 9: Invalid loss, terminating training\n"
    model.stop_training = False
    cbs.on_train_begin()
    cbs.on_epoch_end(0, {"loss": float("inf")})
    assert model.stop_training
    assert "Epoch 1: Invalid loss" in capsys.readouterr().out
    strict = nx.TerminateOnNaN(raise_error=True)
    strict.set_model(FakeModel())
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch 3"):
        strict.on_train_batch_end(3, {"loss": float("nan")})


def _csv_run(callback, path, epochs_logs, **kwargs):
    callback.set_model(FakeModel())
    callback.on_train_begin({})
    for epoch, logs in enumerate(epochs_logs):
        callback.on_epoch_end(epoch, dict(logs))
    callback.on_train_end({})
    with open(path, "rb") as f:
        return f.read()


@pytest.mark.parametrize("logs", [
    [{"loss": 0.5, "accuracy": 0.25, "val_loss": 0.75, "val_accuracy": 0.125}] * 2,
    [{"loss": 0.5, "mae": 1.5}, {"loss": 0.25, "mae": 1.0, "val_loss": 0.5, "val_mae": 2.0}],
    [{"loss": 0.5, "vec": np.array([1.0, 2.0]), "name": "a"}],
])
@pytest.mark.parametrize("separator", [",", ";"])
def test_csv_logger_matches_keras_bytes(tmp_path, logs, separator):
    ours = _csv_run(nx.CSVLogger(tmp_path / "a.csv", separator=separator),
                    tmp_path / "a.csv", logs)
    theirs = _csv_run(keras.callbacks.CSVLogger(str(tmp_path / "b.csv"), separator=separator),
                      tmp_path / "b.csv", logs)
    assert ours == theirs


def test_csv_logger_append_and_close(tmp_path):
    path = tmp_path / "log.csv"
    callback = nx.CSVLogger(path, append=True)
    _csv_run(callback, path, [{"loss": 1.0, "val_loss": 2.0}])
    assert callback.csv_file.closed
    text = _csv_run(callback, path, [{"loss": 0.5, "val_loss": 1.5}]).decode()
    assert text.splitlines() == ["epoch,loss,val_loss", "0,1.0,2.0", "0,0.5,1.5"]
    text = _csv_run(nx.CSVLogger(path), path, [{"loss": 0.25, "val_loss": 1.0}]).decode()
    assert text.splitlines() == ["epoch,loss,val_loss", "0,0.25,1.0"]
    with pytest.raises(RuntimeError, match="before on_train_begin"):
        nx.CSVLogger(tmp_path / "x.csv").on_epoch_end(0, {"loss": 1.0})


# ------------------------------------------------------------------ CallbackList
class Recorder(Callback):
    def __init__(self, name, calls):
        super().__init__()
        self.name, self.calls = name, calls

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append((self.name, epoch, dict(logs)))
        logs[f"from_{self.name}"] = 1.0


def test_callback_list_adds_history_then_progbar_and_sets_model_and_params():
    model = FakeModel()
    user = Recorder("a", [])
    cbs = CallbackList([user], add_history=True, add_progbar=True, model=model,
                       verbose=1, epochs=5, steps=1500)
    assert [type(c).__name__ for c in cbs.callbacks] == ["Recorder", "History", "ProgbarLogger"]
    assert model.history is cbs.callbacks[1]
    for callback in cbs.callbacks:
        assert callback.model is model
        assert callback.params == {"verbose": 1, "epochs": 5, "steps": 1500}
    history = nx.History()
    cbs = CallbackList((history, nx.ProgbarLogger()), add_history=True, add_progbar=True,
                       model=model, verbose=2, epochs=1, steps=3)
    assert len(cbs) == 2 and model.history is history
    assert CallbackList(user).callbacks == [user]
    assert CallbackList().callbacks == [] and CallbackList(None, model=None).model is None


def test_callback_list_forwards_in_order_one_shared_plain_logs_dict():
    import jax.numpy as jnp

    calls = []
    cbs = CallbackList([Recorder("a", calls), Recorder("b", calls)], add_history=True,
                       model=FakeModel(), verbose=0, epochs=1, steps=1)
    trainer_logs = {"loss": jnp.float32(0.5), "accuracy": np.float64(0.25),
                    "out": {"out_mae": np.float32(2.0)}}
    cbs.on_train_begin()
    cbs.on_epoch_end(0, trainer_logs)
    assert calls[0] == ("a", 0, {"loss": 0.5, "accuracy": 0.25, "out_mae": 2.0})
    assert calls[1][2]["from_a"] == 1.0  # a later callback sees keys added earlier
    assert all(type(v) is float for v in calls[0][2].values())
    assert list(cbs.callbacks[-1].history) == ["loss", "accuracy", "out_mae", "from_a", "from_b"]
    assert "from_a" not in trainer_logs


def test_every_hook_is_forwarded():
    calls = []

    class All(Callback):
        def __getattribute__(self, name):
            if name.startswith("on_"):
                return lambda *args, **kwargs: calls.append(name)
            return super().__getattribute__(name)

    cbs = CallbackList([All()])
    hooks = [n for n in dir(Callback) if n.startswith("on_")]
    for hook in hooks:
        getattr(cbs, hook)(*([0] if "batch" in hook or "epoch" in hook else []), logs={})
    assert calls == hooks


def test_base_train_batch_hooks_call_keras2_aliases():
    calls = []

    class Old(Callback):
        def on_batch_begin(self, batch, logs=None):
            calls.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            calls.append(("end", batch, logs))

    cbs = CallbackList([Old()])
    cbs.on_train_batch_begin(3)
    cbs.on_train_batch_end(3, {"loss": 1.0})
    cbs.on_test_batch_end(3, {"loss": 1.0})
    assert calls == [("begin", 3), ("end", 3, {"loss": 1.0})]
    assert cbs.needs_batch_hooks("train") and not cbs.needs_batch_hooks("test")


def test_needs_batch_hooks():
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class TestBatches(Callback):
        def on_test_batch_end(self, batch, logs=None):
            pass

    class MyBar(nx.ProgbarLogger):
        def on_train_batch_end(self, batch, logs=None):
            pass

    class KerasEpochOnly(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    builtins = [nx.History(), nx.ProgbarLogger(), nx.TerminateOnNaN(), nx.EarlyStopping(),
                nx.ReduceLROnPlateau(), nx.CSVLogger(os.devnull), nx.LambdaCallback(),
                nx.LearningRateScheduler(lambda e: 0.1), EpochOnly(), KerasEpochOnly()]
    for kind in ("train", "test", "predict"):
        assert not CallbackList(builtins).needs_batch_hooks(kind)
    assert CallbackList([TestBatches()]).needs_batch_hooks("test")
    assert not CallbackList([TestBatches()]).needs_batch_hooks("train")
    assert CallbackList([MyBar()]).needs_batch_hooks("train")
    assert CallbackList([nx.LambdaCallback(on_predict_batch_begin=print)]).needs_batch_hooks(
        "predict")
    keras_lambda = keras.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: None)
    assert CallbackList([keras_lambda]).needs_batch_hooks("train")
    with pytest.raises(ValueError, match=r"'train', 'test' or 'predict'. Received: kind='fit'"):
        CallbackList().needs_batch_hooks("fit")


def test_callback_list_rejects_non_callbacks():
    with pytest.raises(TypeError, match=r"callbacks\[0\] is the class EarlyStopping. "
                                        r"Call it: EarlyStopping\(...\)"):
        CallbackList([nx.EarlyStopping])
    with pytest.raises(TypeError, match=r"Received: callbacks\[1\]='loss' of type str"):
        CallbackList([nx.History(), "loss"])


def test_callback_list_append():
    model = FakeModel()
    cbs = CallbackList([], model=model, verbose=0, epochs=2, steps=1)
    history = nx.History()
    cbs.append(history)
    assert history.model is model and history.params["epochs"] == 2
    assert list(cbs) == [history]


def test_history_keeps_key_order_and_accumulates_like_keras3():
    model = FakeModel()
    history = nx.History()
    history.set_model(model)
    for _ in range(2):
        history.on_train_begin()
        for epoch in range(2):
            history.on_epoch_end(epoch, {"loss": 1.0 - epoch, "val_loss": 2.0, "accuracy": 0.5})
    assert list(history.history) == ["loss", "val_loss", "accuracy"]
    assert history.history["loss"] == [1.0, 0.0, 1.0, 0.0]  # Keras 3 keeps `history`
    assert history.epoch == [0, 1] and model.history is history
    theirs = keras.callbacks.History()
    theirs.set_model(FakeModel())
    for _ in range(2):
        theirs.on_train_begin()
        for epoch in range(2):
            theirs.on_epoch_end(epoch, {"loss": 1.0 - epoch, "val_loss": 2.0, "accuracy": 0.5})
    assert theirs.history == history.history and theirs.epoch == history.epoch
