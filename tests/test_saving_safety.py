"""Files that must be refused: bytecode in safe mode, hostile archives, unknown classes,
truncated or foreign files, weights that do not fit (and then nothing is loaded)."""
import importlib
import io
import json
import os
import zipfile

import h5py
import numpy as np
import pytest

import neurx as keras
from neurx import layers
from neurx.saving import object_registry, safety

X = np.random.RandomState(0).normal(size=(4, 3)).astype("float32")


def _marker_lambda(marker):
    # Calling it would leave a file behind: proof that code from the file ran.
    return lambda x: (open(marker, "w").close(), x * 2.0)[1]


def _lambda_model(marker):
    return keras.Sequential([layers.Dense(2, input_shape=(3,)),
                             layers.Lambda(_marker_lambda(marker), name="doubler")])


@pytest.mark.parametrize("name", ["lam.keras", "lam.h5"])
def test_lambda_layer_refused_in_safe_mode(name, tmp_path):
    marker = str(tmp_path / "executed")
    model = _lambda_model(marker)
    path = str(tmp_path / name)
    model.save(path)
    os.remove(marker) if os.path.exists(marker) else None
    with pytest.raises(ValueError, match=r"layer 'doubler'.*bytecode.*safe_mode=False"):
        keras.models.load_model(path)
    assert not os.path.exists(marker)
    restored = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0))


def test_lambda_layer_config_uses_keras_form(tmp_path):
    model = _lambda_model(str(tmp_path / "marker"))
    config = json.loads(model.to_json())
    function = config["config"]["layers"][2]["config"]["function"]
    assert function["class_name"] == "__lambda__"
    assert set(function["config"]) == {"code", "defaults", "closure"}
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.model_from_json(model.to_json())


def test_lambda_loss_refused(tmp_path):
    model = keras.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=lambda y_true, y_pred: (y_true - y_pred) ** 2)
    path = str(tmp_path / "lambda_loss.keras")
    model.save(path)
    with pytest.raises(ValueError, match=r"compiled loss.*bytecode.*safe_mode=False"):
        keras.models.load_model(path)
    assert not keras.models.load_model(path, compile=False).compiled
    restored = keras.models.load_model(path, safe_mode=False)
    y = np.ones((4, 1), "float32")
    assert restored.evaluate(X, y, verbose=0) == pytest.approx(model.evaluate(X, y, verbose=0))


def test_keras_written_lambda_file(tmp_path):
    real = importlib.import_module("keras")
    inputs = real.Input((3,))
    model = real.Model(inputs, real.layers.Lambda(lambda t: t * 3.0 + 1.0, name="affine")(inputs))
    path = str(tmp_path / "keras_lambda.keras")
    model.save(path)
    with pytest.raises(ValueError, match=r"layer 'affine'.*safe_mode=False"):
        keras.models.load_model(path)
    restored = keras.models.load_model(path, safe_mode=False)
    np.testing.assert_allclose(restored.predict(X, verbose=0), X * 3.0 + 1.0, rtol=1e-6)


def _valid_archive(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    path = str(tmp_path / "good.keras")
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write_archive(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("bad_name", ["../escape.txt", "/etc/evil", "assets/../../x",
                                      "model.weights.h5/../../y", "C:/evil"])
def test_archive_members_outside_root_refused(bad_name, tmp_path):
    members = _valid_archive(tmp_path)
    members[bad_name] = b"x"
    path = _write_archive(str(tmp_path / "evil.keras"), members)
    with pytest.raises(ValueError, match=r"evil\.keras.*outside the archive"):
        keras.models.load_model(path)


def test_unexpected_member_refused(tmp_path):
    members = _valid_archive(tmp_path)
    members["payload.py"] = b"import os"
    path = _write_archive(str(tmp_path / "extra.keras"), members)
    with pytest.raises(ValueError, match="unexpected archive member 'payload.py'"):
        keras.models.load_model(path)


def test_oversized_and_bomb_members_refused(tmp_path, monkeypatch):
    members = _valid_archive(tmp_path)
    path = _write_archive(str(tmp_path / "big.keras"), members)
    monkeypatch.setattr(safety, "MAX_CONFIG_BYTES", 100)
    limit = r"config.json' is \d+ bytes uncompressed; the limit is 100\."
    with pytest.raises(ValueError, match=limit):
        keras.models.load_model(path)
    monkeypatch.undo()
    members["assets/zeros.bin"] = b"\0" * (4 * 2 ** 20)
    path = _write_archive(str(tmp_path / "bomb.keras"), members, zipfile.ZIP_DEFLATED)
    monkeypatch.setattr(safety, "MAX_COMPRESSION_RATIO", 50)
    with pytest.raises(ValueError, match="zip bomb"):
        keras.models.load_model(path)


def test_class_outside_neurx_refused(tmp_path):
    members = _valid_archive(tmp_path)
    config = json.loads(members["config.json"])
    config["config"]["layers"][1].update(module="os", class_name="system",
                                         registered_name="system")
    members["config.json"] = json.dumps(config).encode()
    path = _write_archive(str(tmp_path / "os.keras"), members)
    with pytest.raises(ValueError, match=r"os\.keras.*Unknown layer: 'system' \(module 'os'\)"):
        keras.models.load_model(path)


@keras.saving.register_keras_serializable(package="SafetyTests")
class Twice(layers.Layer):
    def call(self, inputs):
        return 2.0 * inputs


def test_unknown_custom_class_needs_custom_objects(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), Twice(name="twice")])
    path = str(tmp_path / "custom.keras")
    model.save(path)
    registered = object_registry._GLOBAL_CUSTOM_OBJECTS.pop("SafetyTests>Twice")
    try:
        with pytest.raises(ValueError, match=r"custom\.keras.*'Twice'.*custom_objects"):
            keras.models.load_model(path)
        restored = keras.models.load_model(path, custom_objects={"Twice": Twice})
        with keras.saving.custom_object_scope({"Twice": Twice}):
            keras.models.load_model(path)
    finally:
        object_registry._GLOBAL_CUSTOM_OBJECTS["SafetyTests>Twice"] = registered
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0))
    assert isinstance(keras.models.load_model(path).layers[1], Twice)


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "w.weights.h5"])
def test_truncated_files_refused_naming_the_file(name, tmp_path):
    model = keras.Sequential([layers.Dense(64, input_shape=(32,)), layers.Dense(2)])
    path = str(tmp_path / name)
    if name.startswith("w."):
        model.save_weights(path)
    else:
        model.save(path)
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[: len(data) // 2])
    with pytest.raises((ValueError, OSError), match=name.replace(".", r"\.")):
        if name.startswith("w."):
            model.load_weights(path)
        else:
            keras.models.load_model(path)


def test_non_model_files_refused(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a model")
    with pytest.raises(ValueError, match=r"notes\.txt.*not a Keras model file"):
        keras.models.load_model(str(text))
    weights = str(tmp_path / "only.weights.h5")
    keras.Sequential([layers.Dense(2, input_shape=(3,))]).save_weights(weights)
    legacy = str(tmp_path / "only_weights.h5")
    keras.Sequential([layers.Dense(2, input_shape=(3,))]).save_weights(legacy)
    with pytest.raises(ValueError, match=r"only_weights\.h5.*weights only.*load_weights"):
        keras.models.load_model(legacy)
    with pytest.raises(FileNotFoundError, match=r"No model file found at .*missing\.keras"):
        keras.models.load_model(str(tmp_path / "missing.keras"))
    os.mkdir(tmp_path / "saved_model_dir")
    with pytest.raises(ValueError, match="directory"):
        keras.models.load_model(str(tmp_path / "saved_model_dir"))


@pytest.mark.parametrize("name", ["w.weights.h5", "w.h5", "w.keras"])
def test_weights_that_do_not_fit_load_nothing(name, tmp_path):
    source = keras.Sequential([layers.Dense(4, input_shape=(3,), name="first"),
                               layers.Dense(2, name="second")])
    path = str(tmp_path / name)
    source.save(path) if name.endswith(".keras") else source.save_weights(path)
    target = keras.Sequential([layers.Dense(4, input_shape=(3,), name="first"),
                               layers.Dense(5, name="second")])
    before = [w.copy() for w in target.get_weights()]
    with pytest.raises(ValueError, match=r"'second'.*\(4, 5\).*\(4, 2\)") as info:
        target.load_weights(path)
    assert path in str(info.value)
    for a, b in zip(before, target.get_weights()):
        np.testing.assert_array_equal(a, b)       # not even 'first' was assigned


def test_safe_mode_refuses_before_building_anything(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(safety, "load_function",
                        lambda *a, **k: calls.append(a) or pytest.fail("bytecode was loaded"))
    model = _lambda_model(str(tmp_path / "m"))
    path = str(tmp_path / "lam.keras")
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        keras.models.load_model(path)
    assert calls == []


def test_h5_config_with_keras2_lambda_refused(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    path = str(tmp_path / "k2.h5")
    model.save(path)
    with h5py.File(path, "r+") as f:
        config = json.loads(f.attrs["model_config"])
        config["config"]["layers"].append({"class_name": "Lambda", "config": {
            "name": "lambda", "function": ["ZGF0YQ==", None, None], "function_type": "lambda",
            "module": "__main__", "output_shape": None, "output_shape_type": "raw",
            "arguments": {}}})
        f.attrs["model_config"] = json.dumps(config)
    with pytest.raises(ValueError, match=r"layer 'lambda'.*safe_mode=False"):
        keras.models.load_model(path)


def test_zip_check_rejects_backslash_traversal():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("..\\evil", b"x")
    with zipfile.ZipFile(buffer) as archive:
        with pytest.raises(ValueError, match="outside the archive"):
            safety.check_archive(archive, "crafted.keras")
