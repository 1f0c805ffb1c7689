"""The persistent compilation cache: a second process loads the programs the first compiled."""
import json
import os
import subprocess
import sys

import jax

import neurx as keras
from neurx import compilation_cache

SCRIPT = r"""
import json, jax
hits = []
jax.monitoring.register_event_listener(
    lambda event, **kw: hits.append(event) if event == "/jax/compilation_cache/cache_hits" else None)
import numpy as np
import neurx as keras
x = np.random.RandomState(0).normal(size=(64, 8)).astype("float32")
model = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4, activation="relu"),
                          keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="sgd")
model.fit(x, x[:, :1], epochs=2, verbose=0)
model.evaluate(x, x[:, :1], verbose=0)
print(json.dumps({"dir": keras.config.compilation_cache_dir(), "hits": len(hits)}))
"""


def run_script(env):
    done = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_second_process_hits_the_cache_the_first_wrote(tmp_path):
    env = dict(os.environ, NEURX_COMPILATION_CACHE=str(tmp_path / "cache"))
    first = run_script(env)
    assert first == {"dir": str(tmp_path / "cache"), "hits": 0}
    assert any("train_chunk" in name for name in os.listdir(tmp_path / "cache"))
    second = run_script(env)
    assert second["hits"] >= 2  # at least the training and the test program


def test_off_in_tests_and_default_folder_for_users(tmp_path):
    assert os.environ["NEURX_COMPILATION_CACHE"] == "0"
    assert keras.config.compilation_cache_dir() is None
    env = {k: v for k, v in os.environ.items() if k != "NEURX_COMPILATION_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path)
    done = subprocess.run([sys.executable, "-c",
                           "import neurx; print(neurx.config.compilation_cache_dir())"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == str(tmp_path / "neurx" / "jax")


def test_a_folder_given_to_jax_itself_is_kept(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "NEURX_COMPILATION_CACHE"}
    env["JAX_COMPILATION_CACHE_DIR"] = str(tmp_path / "mine")
    done = subprocess.run([sys.executable, "-c",
                           "import neurx; print(neurx.config.compilation_cache_dir())"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == str(tmp_path / "mine")


def test_enable_and_disable_in_process(tmp_path):
    try:
        keras.config.enable_compilation_cache(tmp_path)
        assert keras.config.compilation_cache_dir() == str(tmp_path)
        assert jax.config.jax_persistent_cache_min_compile_time_secs == \
            compilation_cache.MIN_COMPILE_TIME_S
    finally:
        keras.config.disable_compilation_cache()
    assert keras.config.compilation_cache_dir() is None
