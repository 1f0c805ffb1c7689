"""Callbacks that write: ModelCheckpoint, BackupAndRestore, and EarlyStopping's restore."""
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import neurx as keras
from neurx import layers

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RS = np.random.RandomState(0)
X = RS.normal(size=(24, 4)).astype("float32")
Y = RS.normal(size=(24, 1)).astype("float32")


def _model():
    model = keras.Sequential([layers.Dense(6, activation="relu", input_shape=(4,)),
                              layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    return model


class Scores(keras.callbacks.Callback):
    """Writes a chosen `score` into the epoch logs (seen by the callbacks after it)."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.values[epoch]


class Snapshots(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_checkpoint_filepath_templates(tmp_path):
    pattern = str(tmp_path / "model-{epoch:02d}-{val_loss:.2f}.keras")
    history = _model().fit(X, Y, epochs=2, validation_data=(X, Y), verbose=0,
                           callbacks=[keras.callbacks.ModelCheckpoint(pattern)])
    expected = sorted(f"model-{e + 1:02d}-{v:.2f}.keras"
                      for e, v in enumerate(history.history["val_loss"]))
    assert sorted(os.listdir(tmp_path)) == expected
    restored = keras.models.load_model(str(tmp_path / expected[-1]))
    assert restored.optimizer.iterations == 2   # one batch per epoch


def test_checkpoint_save_best_only_messages(tmp_path, capsys):
    path = str(tmp_path / "best-{epoch}.keras")
    snaps = Snapshots()
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="score", mode="min",
                                                 save_best_only=True, verbose=1)
    _model().fit(X, Y, epochs=4, verbose=0, callbacks=[Scores([0.5, 0.3, 0.4, 0.2]), snaps,
                                                        checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["best-1.keras", "best-2.keras", "best-4.keras"]
    out = capsys.readouterr().out
    assert ("Epoch 1: score improved from None to 0.50000, saving model to "
            f"{tmp_path}/best-1.keras") in out
    assert "Epoch 3: score did not improve from 0.30000" in out
    assert f"Epoch 4: finished saving model to {tmp_path}/best-4.keras" in out
    saved = keras.models.load_model(str(tmp_path / "best-2.keras")).get_weights()
    for a, b in zip(saved, snaps.weights[1]):
        np.testing.assert_array_equal(a, b)


def test_checkpoint_initial_value_threshold_and_h5(tmp_path):
    path = str(tmp_path / "best-model-{epoch}.h5")
    checkpoint = keras.callbacks.ModelCheckpoint(path, monitor="score", mode="min",
                                                 save_best_only=True,
                                                 initial_value_threshold=0.35)
    _model().fit(X, Y, epochs=4, verbose=0,
                 callbacks=[Scores([0.5, 0.3, 0.4, 0.2]), checkpoint])
    assert sorted(os.listdir(tmp_path)) == ["best-model-2.h5", "best-model-4.h5"]
    assert keras.models.load_model(str(tmp_path / "best-model-4.h5")).loss == "mean_squared_error"


def test_checkpoint_save_weights_only(tmp_path):
    model = _model()
    path = str(tmp_path / "ckpt-{epoch}.weights.h5")
    model.fit(X, Y, epochs=2, verbose=0,
              callbacks=[keras.callbacks.ModelCheckpoint(path, save_weights_only=True)])
    fresh = _model()
    fresh.load_weights(str(tmp_path / "ckpt-2.weights.h5"))
    np.testing.assert_allclose(fresh.predict(X, verbose=0), model.predict(X, verbose=0))


def test_checkpoint_every_n_batches(tmp_path):
    path = str(tmp_path / "b{epoch}-{batch}.keras")
    _model().fit(X, Y, epochs=2, batch_size=8, verbose=0,
                 callbacks=[keras.callbacks.ModelCheckpoint(path, save_freq=2)])
    assert sorted(os.listdir(tmp_path)) == ["b1-2.keras", "b2-1.keras", "b2-3.keras"]


def test_checkpoint_checks_arguments(tmp_path):
    with pytest.raises(ValueError, match="save_freq"):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "m.keras"), save_freq="often")
    checkpoint = keras.callbacks.ModelCheckpoint(str(tmp_path / "{nope}.keras"))
    with pytest.raises(KeyError, match="nope"):
        _model().fit(X, Y, epochs=1, verbose=0, callbacks=[checkpoint])


def test_early_stopping_restores_best_weights_exactly():
    snaps = Snapshots()
    stop = keras.callbacks.EarlyStopping(monitor="score", mode="min", patience=2,
                                         restore_best_weights=True)
    model = _model()
    model.fit(X, Y, epochs=10, verbose=0,
              callbacks=[Scores([0.5, 0.2, 0.4, 0.45, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1]),
                         snaps, stop])
    assert len(snaps.weights) == 4 and stop.best_epoch == 1
    for a, b in zip(model.get_weights(), snaps.weights[1]):
        np.testing.assert_array_equal(a, b)


class Interrupt(keras.callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.epoch:
            raise RuntimeError("Interrupting!")


def test_backup_and_restore_resumes_after_an_exception(tmp_path):
    backup = keras.callbacks.BackupAndRestore(str(tmp_path / "backup"), delete_checkpoint=False)
    model = _model()
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(X, Y, epochs=5, verbose=0, callbacks=[backup, Interrupt(2)])
    assert sorted(os.listdir(tmp_path / "backup")) == ["backup-2.weights.h5",
                                                       "training_metadata.json"]
    fresh = _model()
    history = fresh.fit(X, Y, epochs=5, verbose=0, callbacks=[backup])
    assert len(history.history["loss"]) == 3
    assert int(fresh.optimizer.iterations) == 5


def test_backup_and_restore_deletes_and_double_checkpoint(tmp_path):
    folder = tmp_path / "backup"
    backup = keras.callbacks.BackupAndRestore(str(folder), double_checkpoint=True)
    model = _model()
    with pytest.raises(RuntimeError):
        model.fit(X, Y, epochs=5, verbose=0, callbacks=[backup, Interrupt(3)])
    assert sorted(os.listdir(folder)) == ["backup-2.weights.h5", "backup-3.weights.h5",
                                          "training_metadata.json"]
    with open(folder / "backup-3.weights.h5", "wb") as f:
        f.write(b"corrupted")
    history = _model().fit(X, Y, epochs=5, verbose=0, callbacks=[backup])
    assert len(history.history["loss"]) == 3          # resumed from the previous backup
    assert not folder.exists()                         # delete_checkpoint=True


RESUME_CHILD = textwrap.dedent("""
    import os, signal, sys
    import numpy as np
    import neurx as keras
    backup_dir, out, kill_at = sys.argv[1], sys.argv[2], int(sys.argv[3])
    keras.utils.set_random_seed(7)
    rs = np.random.RandomState(0)
    x = rs.normal(size=(64, 4)).astype("float32")
    y = (x @ rs.normal(size=(4, 1))).astype("float32")
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(4,)),
                              keras.layers.Dropout(0.3), keras.layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")

    class Kill(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if self.model.optimizer.iterations == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)

    callbacks = [keras.callbacks.BackupAndRestore(backup_dir)]
    if kill_at:
        callbacks.append(Kill())
    model.fit(x, y, epochs=6, batch_size=16, verbose=0, callbacks=callbacks)
    np.save(out, np.concatenate([w.ravel() for w in model.get_weights()]))
""")


def _child(script, *args):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, str(script), *map(str, args)], env=env,
                          capture_output=True, text=True, timeout=300)


def test_backup_and_restore_after_sigkill_matches_uninterrupted_run(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(RESUME_CHILD)
    killed = _child(script, tmp_path / "backup", tmp_path / "never.npy", 14)   # epoch 4, batch 2
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert os.path.exists(tmp_path / "backup" / "training_metadata.json")
    resumed = _child(script, tmp_path / "backup", tmp_path / "resumed.npy", 0)
    assert resumed.returncode == 0, resumed.stderr
    straight = _child(script, tmp_path / "other", tmp_path / "straight.npy", 0)
    assert straight.returncode == 0, straight.stderr
    np.testing.assert_array_equal(np.load(tmp_path / "resumed.npy"),
                                  np.load(tmp_path / "straight.npy"))
