"""Atomic writes: a saver killed with SIGKILL leaves the old file or the new one, never a
truncated one."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import neurx as keras
from neurx import layers
from neurx.saving import atomic

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The child saves version 1 of a ~24 MB model, then keeps saving versions 2, 3, ...
# With PAUSE set, it stops in the middle of writing version 2 and says so.
CHILD = textwrap.dedent("""
    import os, sys, time
    import h5py, numpy as np
    import neurx as keras
    path, pause = sys.argv[1], sys.argv[2] == "pause"
    model = keras.Sequential([keras.layers.Dense(1500, input_shape=(1000,),
                                                 kernel_initializer="zeros"),
                              keras.layers.Dense(1000, kernel_initializer="zeros")])
    def save(version):
        model.set_weights([np.full(w.shape, version, "float32") for w in model.get_weights()])
        if path.endswith(".weights.h5"):
            model.save_weights(path)
        else:
            model.save(path)
    save(1)
    print("ready", flush=True)
    if pause:   # stop after the first bytes of the new version reached the disk
        import zipfile
        owner, method = (zipfile.ZipFile, "writestr") if path.endswith(".keras") \
            else (h5py.Group, "create_dataset")
        original = getattr(owner, method)
        def slow(self, *args, **kwargs):
            result = original(self, *args, **kwargs)
            if getattr(self, "fp", None) is not None:
                self.fp.flush()
            print("midwrite", flush=True)
            time.sleep(60)
            return result
        setattr(owner, method, slow)
    version = 2
    while True:
        save(version)
        version += 1
""")


def _run_child(tmp_path, name, mode):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    path = str(tmp_path / name)
    child = subprocess.Popen([sys.executable, str(script), path, mode], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, env=env, text=True)
    return child, path


def _stop(child):
    child.kill()
    child.wait()
    child.stdout.close()


def _wait_for(child, word):
    line = child.stdout.readline()
    while line and line.strip() != word:
        line = child.stdout.readline()
    assert line.strip() == word, "the child process ended early"


def _loaded_version(path, name):
    model = keras.Sequential([layers.Dense(1500, input_shape=(1000,)), layers.Dense(1000)])
    if name.endswith(".weights.h5"):
        model.load_weights(path)
    else:
        model = keras.models.load_model(path)
    values = np.unique(np.concatenate([w.ravel() for w in model.get_weights()]))
    assert len(values) == 1, "a mix of two versions was loaded"
    return int(values[0])


@pytest.mark.parametrize("name", ["big.keras", "big.h5"])
def test_sigkill_in_the_middle_of_a_save_keeps_the_old_file(name, tmp_path):
    child, path = _run_child(tmp_path, name, "pause")
    try:
        _wait_for(child, "ready")
        _wait_for(child, "midwrite")
        leftovers = [f for f in os.listdir(tmp_path) if f.endswith(".tmp")]
        assert leftovers, "the new version is being written beside the target"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        _stop(child)
    assert _loaded_version(path, name) == 1


@pytest.mark.slow
@pytest.mark.parametrize("name", ["big.keras", "big.weights.h5"])
def test_sigkill_at_random_moments_never_truncates(name, tmp_path):
    rng = np.random.RandomState(0)
    for _ in range(4):
        child, path = _run_child(tmp_path, name, "loop")
        try:
            _wait_for(child, "ready")
            time.sleep(rng.uniform(0.05, 1.5))
            os.kill(child.pid, signal.SIGKILL)
        finally:
            _stop(child)
        assert _loaded_version(path, name) >= 1


def test_failed_write_leaves_old_file_and_no_temp(tmp_path, monkeypatch):
    model = keras.Sequential([layers.Dense(3, input_shape=(2,))])
    path = str(tmp_path / "m.keras")
    model.save(path)
    with open(path, "rb") as f:
        before = f.read()

    def broken(*args, **kwargs):
        raise OSError("disk full")
    monkeypatch.setattr(atomic.os, "fsync", broken)
    model.layers[0].kernel.assign(np.ones((2, 3)))
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    with open(path, "rb") as f:
        assert f.read() == before
    assert os.listdir(tmp_path) == ["m.keras"]


def test_atomic_path_refuses_a_directory(tmp_path):
    with pytest.raises(IsADirectoryError, match="existing directory"):
        with atomic.atomic_path(str(tmp_path)):
            pass
