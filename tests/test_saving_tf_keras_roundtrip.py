"""`.h5` files both ways between neurx and the real tf.keras 2 (tf-keras 2.21, the `tf` extra).

Five model kinds are trained one step in neurx and saved as `.h5`; one subprocess
(`tf_keras_side.py`: TensorFlow is never imported by the test process) loads them
with `tf_keras`, predicts, reads the optimizer state back and trains one more step,
and writes two tf.keras models of its own (classic optimizers, Keras 2 spellings).
Each side trains the same step from the other's file, and both must agree.
"""
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import neurx
from neurx import layers
from neurx.saving.keras_layout import optimizer_values

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("tf_keras") is None or importlib.util.find_spec("tensorflow") is None,
    reason="tf-keras / TensorFlow are not installed (the `tf` extra, which `.[test]` includes; "
           "TensorFlow publishes no wheel for this platform)")

_TF_KERAS_SIDE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_keras_side.py")


def _models():
    rs = np.random.RandomState(0)
    mlp = neurx.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                            layers.Dense(2)])
    yield "mlp", mlp, neurx.optimizers.SGD(0.01, momentum=0.9), \
        [rs.normal(size=(8, 4))], [rs.normal(size=(8, 2))]
    wide, deep = layers.Input((5,)), layers.Input((3,))
    hidden = layers.Dense(6, activation="relu")(wide)
    merged = layers.Concatenate()([hidden, deep])
    two = neurx.Model([wide, deep], [layers.Dense(1, name="main")(merged),
                                     layers.Dense(1, name="aux")(hidden)])
    yield "two_outputs", two, "adam", [rs.normal(size=(8, 5)), rs.normal(size=(8, 3))], \
        [rs.normal(size=(8, 1)), rs.normal(size=(8, 1))]
    conv = neurx.Sequential([layers.Input((8, 8, 3)), layers.Conv2D(4, 3, activation="relu"),
                             layers.BatchNormalization(), layers.MaxPooling2D(),
                             layers.SeparableConv2D(4, 3, padding="same"),
                             layers.GlobalAveragePooling2D(), layers.Dense(3, activation="softmax")])
    yield "conv_bn", conv, "rmsprop", [rs.normal(size=(8, 8, 8, 3))], [rs.uniform(size=(8, 3))]
    text = neurx.Sequential([layers.Input((6,)), layers.Embedding(20, 4),
                             layers.LSTM(5, return_sequences=True), layers.GRU(3), layers.Dense(1)])
    yield "lstm_embedding", text, "sgd", [rs.randint(0, 20, size=(8, 6))], [rs.normal(size=(8, 1))]
    inner = neurx.Sequential([layers.Dense(6, activation="tanh", input_shape=(4,)),
                              layers.Dense(6)], name="inner")
    left, right = layers.Input((4,)), layers.Input((4,))
    nested = neurx.Model([left, right],
                         layers.Dense(2)(layers.Concatenate()([inner(left), inner(right)])))
    yield "nested_sequential", nested, neurx.optimizers.Adam(0.01), \
        [rs.normal(size=(8, 4)), rs.normal(size=(8, 4))], [rs.normal(size=(8, 2))]


def _one(values):
    return values if len(values) > 1 else values[0]


def _outputs(out):
    return [np.asarray(o) for o in (out if isinstance(out, list) else [out])]


def test_h5_files_both_ways_between_neurx_and_tf_keras(tmp_path):
    ours_dir, theirs_dir = tmp_path / "neurx", tmp_path / "tf_keras"
    ours_dir.mkdir()
    theirs_dir.mkdir()
    expected = {}
    for name, model, optimizer, xs, ys in _models():
        model.compile(optimizer=optimizer, loss="mse", metrics=["mae"])
        model.fit(_one(xs), _one(ys), batch_size=8, epochs=1, shuffle=False, verbose=0)
        model.save(str(ours_dir / f"{name}.h5"))
        np.savez(ours_dir / f"{name}.npz", **{f"x{i}": x for i, x in enumerate(xs)},
                 **{f"y{i}": y for i, y in enumerate(ys)})
        state = optimizer_values(model.optimizer, model)
        expected[name] = (model, xs, ys, _outputs(model.predict(_one(xs), verbose=0)),
                          state[2] if len(state) > 2 else None)

    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="",
               TF_USE_LEGACY_KERAS="1")
    done = subprocess.run([sys.executable, _TF_KERAS_SIDE, str(ours_dir), str(theirs_dir)],
                          env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.split("REPORT", 1)[1])

    assert sorted(report) == sorted(expected)
    for name, (_, xs, ys, predicted, first_slot) in expected.items():
        theirs = report[name]
        for got, want in zip(theirs["predicted"], predicted):
            np.testing.assert_allclose(np.asarray(got), want, atol=1e-5, rtol=0, err_msg=name)
        assert theirs["iterations"] == 1 and theirs["trained_iterations"] == 2, theirs
        if first_slot is not None:        # momentum / Adam's m / RMSprop's average, continued
            np.testing.assert_allclose(np.asarray(theirs["first_slot"]), first_slot,
                                       atol=1e-6, rtol=0, err_msg=name)
        assert np.isfinite(theirs["loss"])          # tf.keras names the metric by its function
        assert any(k.endswith(("mae", "mean_absolute_error")) for k in theirs["log_keys"])

        ours = neurx.models.load_model(str(ours_dir / f"{name}.h5"))     # the same next step
        ours.fit(_one(xs), _one(ys), batch_size=8, epochs=1, shuffle=False, verbose=0)
        # tf.keras's classic RMSprop adds epsilon outside the square root, Keras 3's inside.
        tolerance = 2e-3 if theirs["optimizer"] == "RMSprop" else 1e-4
        for got, want in zip(theirs["after_step"], _outputs(ours.predict(_one(xs), verbose=0))):
            np.testing.assert_allclose(np.asarray(got), want, atol=tolerance, rtol=0,
                                       err_msg=name)

    for name in ("conv_legacy_adam", "text_legacy_sgd"):             # tf.keras's own files
        data = np.load(theirs_dir / f"{name}.npz")
        xs, ys, before, after = ([data[k] for k in sorted(k for k in data if k.startswith(p))]
                                 for p in ("x", "y", "before", "after"))
        model = neurx.models.load_model(str(theirs_dir / f"{name}.h5"))
        for got, want in zip(_outputs(model.predict(_one(xs), verbose=0)), before):
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0, err_msg=name)
        assert int(model.optimizer.iterations) == 1
        model.fit(_one(xs), _one(ys), batch_size=len(xs[0]), epochs=1, shuffle=False, verbose=0)
        for got, want in zip(_outputs(model.predict(_one(xs), verbose=0)), after):
            np.testing.assert_allclose(got, want, atol=1e-5, rtol=0, err_msg=name)
