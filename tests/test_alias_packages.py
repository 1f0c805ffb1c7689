"""Third-party packages under the `tensorflow` alias (issue 13): `tensorboard` keeps its own
TensorFlow stand-in, `tf.summary` is `neurx.summary`, `keras_tuner` is `neurx.tuners`, and the
packages that probe for TensorFlow (matplotlib, tqdm) work with the shim. Scripts run through
`python -m neurx.cli run`, as a reader runs them."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from reader_path import REPO, neurx_run

import neurx
from neurx import compat

pytest.importorskip("tensorboard")
from tensorboard.backend.event_processing import event_accumulator  # noqa: E402
from tensorboard.util import tensor_util  # noqa: E402

READER_SCRIPT = """
import os
import numpy as np
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import jax.numpy as jnp
import pandas as pd
from tqdm.keras import TqdmCallback
import tensorflow as tf
from tensorflow import keras
import keras_tuner as kt

X = np.random.RandomState(0).rand(64, 8).astype("float32")
y = X.sum(axis=1)
model = keras.models.Sequential([keras.layers.Dense(4, activation="relu", input_shape=[8]),
                                 keras.layers.Dense(1)])
model.compile(loss="mse", optimizer="sgd")
tensorboard_cb = keras.callbacks.TensorBoard(os.path.join("my_logs", "run_1"), histogram_freq=1)
history = model.fit(X, y, epochs=2, validation_split=0.25,
                    callbacks=[tensorboard_cb, TqdmCallback(verbose=0)], verbose=0)

test_logdir = os.path.join("my_logs", "my_test_run")
writer = tf.summary.create_file_writer(test_logdir)
with writer.as_default():
    for step in range(1, 4):
        tf.summary.scalar("my_scalar", np.sin(step / 10), step=step)
        data = (np.random.randn(100) + 2) * step / 100
        tf.summary.histogram("my_hist", data, buckets=50, step=step)
        images = np.random.rand(2, 32, 32, 3)
        tf.summary.image("my_images", images * step / 1000, step=step)
        texts = ["The step is " + str(step), "Its square is " + str(step ** 2)]
        tf.summary.text("my_text", texts, step=step)
writer.flush()

pd.DataFrame(history.history).plot(figsize=(8, 5))    # matplotlib probes sys.modules["tensorflow"]
plt.plot(jnp.arange(3.0), model.predict(X[:3], verbose=0))
plt.savefig("curves.png")
print("tuners:", kt.__name__, kt.RandomSearch.__module__)
print("tensorboard's tf:", __import__("tensorboard.compat", fromlist=["tf"]).tf.__name__)
"""


def _scalars(folder, tag):
    events = event_accumulator.EventAccumulator(
        folder, size_guidance={event_accumulator.TENSORS: 0})
    events.Reload()
    return [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in events.Tensors(tag)]


def test_a_reader_script_with_tensorboard_tf_summary_tqdm_and_plots(tmp_path):
    script = tmp_path / "chapter10.py"
    script.write_text(READER_SCRIPT)
    result = neurx_run(script)
    assert result.returncode == 0, result.stderr
    assert "tuners: neurx.tuners neurx.tuners." in result.stdout
    assert "tensorboard's tf: tensorboard.compat.tensorflow_stub" in result.stdout
    logs = tmp_path / "my_logs"
    assert [step for step, _ in _scalars(str(logs / "run_1" / "train"), "epoch_loss")] == [0, 1]
    assert len(_scalars(str(logs / "run_1" / "validation"), "epoch_loss")) == 2
    own = _scalars(str(logs / "my_test_run"), "my_scalar")
    assert [s for s, _ in own] == [1, 2, 3]
    assert [v for _, v in own] == pytest.approx(np.sin(np.arange(1, 4) / 10), rel=1e-6)
    events = event_accumulator.EventAccumulator(
        str(logs / "my_test_run"), size_guidance={event_accumulator.TENSORS: 0})
    events.Reload()
    assert set(events.Tags()["tensors"]) == {"my_scalar", "my_hist", "my_images", "my_text"}
    texts = tensor_util.make_ndarray(events.Tensors("my_text")[-1].tensor_proto)
    assert texts.tolist() == [b"The step is 3", b"Its square is 9"]
    assert (tmp_path / "curves.png").stat().st_size > 0


def test_neurx_writes_tensorboard_logs_without_importing_an_installed_tensorflow(tmp_path):
    """With a real TensorFlow installed, neurx's writer still uses tensorboard's stand-in."""
    fake = tmp_path / "site" / "tensorflow"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text(
        "raise RuntimeError('a real TensorFlow was imported')\n")
    script = tmp_path / "plain.py"
    script.write_text(textwrap.dedent("""
        import numpy as np
        import neurx as keras
        model = keras.Sequential([keras.layers.Dense(1, input_shape=[2])])
        model.compile(loss="mse", optimizer="sgd")
        model.fit(np.ones((8, 2)), np.ones(8), epochs=1, verbose=0,
                  callbacks=[keras.callbacks.TensorBoard("logs")])
        with keras.summary.create_file_writer("logs/own").as_default():
            keras.summary.scalar("x", 1.0, step=0)
    """))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path / "site"), REPO]))
    result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                            env=env, cwd=tmp_path, timeout=300)
    assert result.returncode == 0, result.stderr
    assert _scalars(str(tmp_path / "logs" / "own"), "x") == [(0, 1.0)]
    assert len(_scalars(str(tmp_path / "logs" / "train"), "epoch_loss")) == 1


def test_the_alias_maps_tf_summary_and_keras_tuner():
    compat.install()
    try:
        import keras_tuner as kt
        import tensorflow as tf
        from keras_tuner import HyperParameters
        from tensorflow.summary import create_file_writer

        assert tf.summary is neurx.summary
        assert create_file_writer is neurx.summary.create_file_writer
        assert kt is neurx.tuners and HyperParameters is neurx.tuners.HyperParameters
        assert "tensorboard.compat.notf" in sys.modules
        assert "summary" in dir(tf)
        with pytest.raises(AttributeError, match=r"offers only tf\.keras, tf\.summary"):
            tf.io
    finally:
        compat.uninstall()
    assert sys.modules.get("keras_tuner") is not neurx.tuners
