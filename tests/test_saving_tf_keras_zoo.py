"""tf.keras 2's `.h5` files: the tf-keras zoo (written by TensorFlow 2.21 + tf-keras 2.21).

Each file loads with its weights, compile state and SGD momentum, reproduces
tf.keras's outputs to 1e-5 and trains on.
"""
import glob
import os

import h5py
import numpy as np
import pytest
from shared_files import KERAS_FILES

import neurx
from neurx.saving.keras_layout import optimizer_values
from neurx.saving.legacy_h5 import load_attributes
from neurx.saving.model_config import keras_weights, model_layers

ZOO = os.path.join(KERAS_FILES, "tf-keras-zoo")
FILES = sorted(glob.glob(os.path.join(ZOO, "*.h5")))


def _golden(path):
    golden = np.load(path[:-len(".h5")] + ".golden.npz")
    xs = [golden[k] for k in sorted(k for k in golden if k.startswith("x"))]
    ys = [golden[k] for k in sorted(k for k in golden if k.startswith("y"))]
    return xs, ys


def _file_momentum(path) -> dict:
    """`{variable name: SGD momentum}` as tf.keras wrote them (`SGD/m/dense/kernel:0`)."""
    with h5py.File(path, "r") as f:
        group = f["optimizer_weights"]
        return {name.split("/m/", 1)[1]: np.asarray(group[name])
                for name in load_attributes(group, "weight_names") if "/m/" in name}


def _neurx_variables_by_file_name(model, path) -> dict:
    """`{variable name in the file: neurx variable}`, layer by layer as the loader pairs them."""
    with h5py.File(path, "r") as f:
        weights = f["model_weights"]
        named = {}
        for layer in model_layers(model):
            if layer.name in weights:
                names = load_attributes(weights[layer.name], "weight_names")
                named.update(zip(names, keras_weights(layer)))
    return named


def test_the_zoo_is_complete():
    assert len(FILES) == 10, FILES


_LOADED = {}


def _load(path):
    """Each file is loaded once per session (the outputs and training tests share it)."""
    if path not in _LOADED:
        _LOADED[path] = neurx.models.load_model(path)
    return _LOADED[path]


@pytest.mark.parametrize("path", FILES, ids=lambda p: os.path.basename(p))
def test_tf_keras_file_reproduces_outputs_and_state(path):
    model = _load(path)
    xs, ys = _golden(path)
    out = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    for got, want in zip(out if isinstance(out, list) else [out], ys):
        np.testing.assert_allclose(np.asarray(got), want, atol=1e-5, rtol=0)

    assert type(model.optimizer).__name__ == "SGD" and model.loss == "mse"
    assert float(model.optimizer.momentum) == pytest.approx(0.9)
    assert int(model.optimizer.iterations) == 1
    momentum = _file_momentum(path)
    variables = _neurx_variables_by_file_name(model, path)
    trainable = [v for v in keras_weights(model) if v.trainable]
    slots = optimizer_values(model.optimizer, model)[2:]        # after iteration, learning rate
    assert len(slots) == len(trainable) == len(momentum)
    for name, value in momentum.items():
        np.testing.assert_array_equal(slots[trainable.index(variables[name])], value,
                                      err_msg=name)


# One fit step compiles a training program per model; the recurrent and convolutional
# ones (tens of seconds each on 2 cores) run in the slow set.
_QUICK_TO_TRAIN = ("fashion_mlp.h5", "housing_mlp.h5", "wide_deep_two_outputs.h5",
                   "nested_model.h5")


@pytest.mark.parametrize("path", [
    pytest.param(p, id=os.path.basename(p),
                 marks=() if os.path.basename(p) in _QUICK_TO_TRAIN else (pytest.mark.slow,))
    for p in FILES])
def test_tf_keras_file_trains_on(path):
    model = _load(path)
    xs, ys = _golden(path)
    targets = ys if len(ys) > 1 else ys[0]
    logs = model.fit(xs if len(xs) > 1 else xs[0], targets, epochs=1, verbose=0).history
    assert int(model.optimizer.iterations) == 2
    assert np.isfinite(logs["loss"][0]) and any(key.endswith("mae") for key in logs)
