"""Saving and loading neurx models: every format, every way in, training that continues."""
import json
import warnings
import zipfile

import h5py
import numpy as np
import pytest

import neurx as keras
from neurx import layers

RS = np.random.RandomState(0)
X = RS.normal(size=(24, 4)).astype("float32")
Y = RS.normal(size=(24, 1)).astype("float32")


def _sequential():
    return keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                             layers.Dropout(0.1), layers.Dense(1)])


def _functional():
    wide = layers.Input(shape=(2,), name="wide")
    deep = layers.Input(shape=(4,), name="deep")
    hidden = layers.Dense(6, activation="relu", name="hidden")(deep)
    merged = layers.concatenate([wide, hidden])
    main = layers.Dense(1, name="main")(merged)
    aux = layers.Dense(1, name="aux")(hidden)
    return keras.Model([wide, deep], [main, aux])


def _same_predictions(a, b, x):
    pa, pb = a.predict(x, verbose=0), b.predict(x, verbose=0)
    for u, v in zip(pa if isinstance(pa, list) else [pa], pb if isinstance(pb, list) else [pb]):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("name", ["model.keras", "model.h5", "model.hdf5", "my_model",
                                  "my_keras_model.ht"])
def test_sequential_round_trip_in_every_format(name, tmp_path):
    model = _sequential()
    path = str(tmp_path / name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.save(path)
    note = " ".join(str(w.message) for w in caught)
    restored = keras.models.load_model(path)
    _same_predictions(model, restored, X)
    assert [type(l).__name__ for l in restored.layers] == ["Dense", "Dropout", "Dense"]
    assert restored.get_config() == model.get_config()
    if name in ("my_model", "my_keras_model.ht"):
        assert "Keras format" in note and f"load_model('{path}')" in note
        assert [w.category for w in caught] == [UserWarning]
        assert zipfile.is_zipfile(path)
    else:
        assert note == ""


@pytest.mark.parametrize("name", ["model.keras", "model.h5"])
def test_functional_round_trip(name, tmp_path):
    model = _functional()
    path = str(tmp_path / name)
    model.save(path)
    restored = keras.models.load_model(path)
    x = [X[:, :2], X]
    _same_predictions(model, restored, x)
    assert restored.output_names == ["main", "aux"]
    assert [t.name for t in restored.inputs] == ["wide", "deep"]
    assert restored.get_config() == model.get_config()


def _train_twice(model_fn, loss, metrics, fmt, tmp_path, loss_weights=None):
    """Trains 2 epochs, saves and reloads, trains 1 more epoch on both: same weights."""
    keras.utils.set_random_seed(1)
    model = model_fn()
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss=loss, metrics=metrics,
                  loss_weights=loss_weights)
    model.fit(X, Y, epochs=2, batch_size=8, shuffle=False, verbose=0)
    path = str(tmp_path / f"model{fmt}")
    model.save(path)
    restored = keras.models.load_model(path)
    keras.utils.set_random_seed(2)      # the same dropout masks for both runs
    history_a = model.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    keras.utils.set_random_seed(2)
    history_b = restored.fit(X, Y, epochs=1, batch_size=8, shuffle=False, verbose=0)
    for a, b in zip(model.get_weights(), restored.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)
    assert history_a.history.keys() == history_b.history.keys()
    return model, restored


@pytest.mark.parametrize("fmt", [".keras", ".h5"])
@pytest.mark.parametrize("loss", ["mse", "mean_squared_error", keras.losses.mean_squared_error,
                                  keras.losses.Huber(delta=0.5)],
                         ids=["mse", "function-name", "function", "Huber"])
def test_compiled_model_continues_training(loss, fmt, tmp_path):
    model, restored = _train_twice(_sequential, loss, ["mae"], fmt, tmp_path)
    assert int(restored.optimizer.iterations) == int(model.optimizer.iterations) == 9
    assert restored.optimizer.get_config() == model.optimizer.get_config()
    if isinstance(loss, str) and fmt == ".keras":
        assert restored.loss == loss


def test_metrics_and_loss_weights_are_restored(tmp_path):
    keras.utils.set_random_seed(3)
    model = _functional()
    model.compile(optimizer="rmsprop", loss=["mse", keras.losses.MeanAbsoluteError()],
                  loss_weights=[0.8, 0.2],
                  metrics={"main": ["mae", keras.metrics.RootMeanSquaredError()]})
    x, y = [X[:, :2], X], [Y, Y]
    model.fit(x, y, epochs=1, verbose=0)
    path = str(tmp_path / "multi.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert restored.evaluate(x, y, verbose=0, return_dict=True) == \
        model.evaluate(x, y, verbose=0, return_dict=True)
    assert restored._trainer.compile_args["loss_weights"] == [0.8, 0.2]


def test_compile_false_gives_an_uncompiled_model(tmp_path):
    model = _sequential()
    model.compile(optimizer="adam", loss="mse")
    path = str(tmp_path / "m.keras")
    model.save(path)
    restored = keras.models.load_model(path, compile=False)
    assert not restored.compiled
    _same_predictions(model, restored, X)


@pytest.mark.parametrize("name,legacy", [("model.weights.h5", False), ("model-weights.h5", True),
                                         ("my_keras_weights.ckpt", False), ("weights", False)])
def test_save_weights_any_name(name, legacy, tmp_path):
    model = _functional()
    path = str(tmp_path / name)
    model.save_weights(path)
    with h5py.File(path, "r") as f:
        assert ("layer_names" in f.attrs) == legacy
        if legacy:
            assert "hidden/kernel:0" in f["hidden"].attrs["weight_names"].astype(str)
        else:
            assert f["layers/dense/vars/0"].shape == (4, 6)
    other = _functional()
    other.load_weights(path)
    _same_predictions(model, other, [X[:, :2], X])


def test_load_weights_by_name_and_skip_mismatch(tmp_path):
    source = keras.Sequential([layers.Dense(3, input_shape=(4,), name="a"),
                               layers.Dense(2, name="b")])
    path = str(tmp_path / "w.h5")
    source.save_weights(path)
    target = keras.Sequential([layers.Dense(3, input_shape=(4,), name="a"),
                               layers.Dense(2, name="b"), layers.Dense(5, name="extra")])
    target.load_weights(path, by_name=True)
    for name in ("a", "b"):
        np.testing.assert_array_equal(target.get_layer(name).kernel.numpy(),
                                      source.get_layer(name).kernel.numpy())
    bigger = keras.Sequential([layers.Dense(3, input_shape=(4,), name="a"),
                               layers.Dense(7, name="b")])
    before = bigger.get_layer("b").kernel.numpy()
    with pytest.warns(UserWarning, match=r"'b'.*\(3, 7\).*\(3, 2\).*skip_mismatch"):
        bigger.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(bigger.get_layer("a").kernel.numpy(),
                                  source.get_layer("a").kernel.numpy())
    np.testing.assert_array_equal(bigger.get_layer("b").kernel.numpy(), before)


def test_keras3_weights_skip_mismatch(tmp_path):
    source = _sequential()
    path = str(tmp_path / "w.weights.h5")
    source.save_weights(path)
    target = keras.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                               layers.Dropout(0.1), layers.Dense(3)])
    with pytest.warns(UserWarning, match="skip_mismatch"):
        target.load_weights(path, skip_mismatch=True)
    np.testing.assert_array_equal(target.layers[0].kernel.numpy(),
                                  source.layers[0].kernel.numpy())


def test_to_json_and_model_from_json():
    model = _functional()
    text = model.to_json()
    assert json.loads(text)["class_name"] == "Functional"
    rebuilt = keras.models.model_from_json(text)
    assert rebuilt.get_config() == model.get_config()
    seq = _sequential()
    assert keras.models.model_from_json(seq.to_json()).get_config() == seq.get_config()


def test_get_config_from_config_round_trip():
    for model in (_sequential(), _functional()):
        config = model.get_config()
        rebuilt = type(model).from_config(config)
        assert rebuilt.get_config() == config
        rebuilt.set_weights(model.get_weights())
        x = X if len(model.inputs) == 1 else [X[:, :2], X]
        _same_predictions(model, rebuilt, x)


def test_functional_config_is_keras3_format():
    config = _functional().get_config()
    concat = next(l for l in config["layers"] if l["class_name"] == "Concatenate")
    node = concat["inbound_nodes"][0]
    assert set(node) == {"args", "kwargs"}
    histories = [t["config"]["keras_history"] for t in node["args"][0]]
    assert histories == [["wide", 0, 0], ["hidden", 0, 0]]
    assert config["input_layers"] == [["wide", 0, 0], ["deep", 0, 0]]
    assert config["output_layers"] == [["main", 0, 0], ["aux", 0, 0]]


def test_keras2_functional_config_is_read():
    config = {"name": "m", "layers": [
        {"class_name": "InputLayer", "name": "input_1",
         "config": {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False,
                    "ragged": False, "name": "input_1"}, "inbound_nodes": []},
        {"class_name": "Dense", "name": "dense",
         "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 2,
                    "activation": "linear", "use_bias": True,
                    "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
                    "bias_initializer": {"class_name": "Zeros", "config": {}},
                    "kernel_regularizer": None, "bias_regularizer": None,
                    "activity_regularizer": None, "kernel_constraint": None,
                    "bias_constraint": None},
         "inbound_nodes": [[["input_1", 0, 0, {}]]]},
        {"class_name": "Add", "name": "add",
         "config": {"name": "add", "trainable": True, "dtype": "float32"},
         "inbound_nodes": [[["dense", 0, 0, {}], ["dense", 0, 0, {}]]]}],
        "input_layers": [["input_1", 0, 0]], "output_layers": [["add", 0, 0]]}
    model = keras.Model.from_config(config)
    assert [type(l).__name__ for l in model.layers] == ["InputLayer", "Dense", "Add"]
    assert model.output_shape == (None, 2)


def test_clone_model():
    for model in (_sequential(), _functional()):
        clone = keras.models.clone_model(model)
        assert clone.get_config() == model.get_config()
        assert all(a is not b for a, b in zip(clone.weights, model.weights))
        clone.set_weights(model.get_weights())
        x = X if len(model.inputs) == 1 else [X[:, :2], X]
        _same_predictions(model, clone, x)


def test_nested_models_round_trip(tmp_path):
    inner = keras.Sequential([layers.Dense(5, activation="tanh", input_shape=(4,))], name="inner")
    a, b = layers.Input(shape=(4,)), layers.Input(shape=(4,))
    sub_in = layers.Input(shape=(5,))
    sub = keras.Model(sub_in, layers.Dense(3)(sub_in), name="sub")
    out = layers.Dense(1)(layers.concatenate([sub(inner(a)), sub(inner(b))]))
    model = keras.Model([a, b], out)
    for name in ("nested.keras", "nested.h5"):
        path = str(tmp_path / name)
        model.save(path)
        restored = keras.models.load_model(path)
        _same_predictions(model, restored, [X, X[::-1]])


@keras.saving.register_keras_serializable(package="Tests")
class Scaled(keras.Model):
    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = layers.Dense(units, activation="relu")
        self.out = layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class NoConfig(keras.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, inputs):
        return self.dense(inputs)


def test_subclassed_model_with_get_config_saves(tmp_path):
    model = Scaled(4)
    model.compile(optimizer="adam", loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    path = str(tmp_path / "sub.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert type(restored) is Scaled and restored.units == 4
    _same_predictions(model, restored, X)
    assert int(restored.optimizer.iterations) == 1


def test_subclassed_model_without_get_config(tmp_path):
    model = NoConfig()
    model.predict(X, verbose=0)
    with pytest.raises(NotImplementedError, match=r"NoConfig.*get_config\(\).*save_weights"):
        model.save(str(tmp_path / "x.keras"))
    model.save_weights(str(tmp_path / "x.weights.h5"))
    other = NoConfig()
    other.predict(X, verbose=0)
    other.load_weights(str(tmp_path / "x.weights.h5"))
    _same_predictions(model, other, X)


def test_model_save_format_argument(tmp_path):
    model = _sequential()
    path = str(tmp_path / "legacy_model")
    model.save(path, save_format="h5")
    with h5py.File(path, "r") as f:
        assert "model_config" in f.attrs
    _same_predictions(model, keras.models.load_model(path), X)


def test_overwrite_false_refuses(tmp_path):
    model = _sequential()
    path = str(tmp_path / "m.keras")
    model.save(path)
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(path, overwrite=False)


def test_optimizer_slots_are_permuted_with_the_variables(monkeypatch):
    """If neurx's trainable order ever differs from Keras's, slots move with their variable."""
    from neurx.saving import keras_layout
    model = _functional()
    model.compile(optimizer="adam", loss="mse")
    model.fit([X[:, :2], X], [Y, Y], epochs=1, verbose=0)
    n = len(model.trainable_weights)
    perm = list(reversed(range(n)))
    monkeypatch.setattr(keras_layout, "trainable_permutation", lambda m: perm)
    values = keras_layout.optimizer_values(model.optimizer, model)
    mine = [np.asarray(v) for v in model.optimizer.variables]
    for k, source in enumerate(perm):          # Adam: iteration, lr, then (m, v) per variable
        np.testing.assert_array_equal(values[2 + 2 * k], mine[2 + 2 * source])
        np.testing.assert_array_equal(values[3 + 2 * k], mine[3 + 2 * source])
    before = [np.asarray(v) for v in model.optimizer.variables]
    keras_layout.set_optimizer_values(model.optimizer, model, values)
    for a, b in zip(before, model.optimizer.variables):
        np.testing.assert_array_equal(a, np.asarray(b))
