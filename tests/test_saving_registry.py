"""Custom objects: registration, scopes, and the Keras 3 serialization dict format."""
import numpy as np
import pytest

import neurx as keras
from neurx import layers
from neurx.saving import deserialize_keras_object, serialize_keras_object

X = np.random.RandomState(0).normal(size=(8, 3)).astype("float32")
Y = np.random.RandomState(1).normal(size=(8, 2)).astype("float32")


@keras.saving.register_keras_serializable(package="RegTests")
class Affine(layers.Layer):
    def __init__(self, units, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.units, self.scale = units, scale

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), name="w")

    def call(self, inputs):
        return self.scale * (inputs @ self.w.value)

    def get_config(self):
        return {**super().get_config(), "units": self.units, "scale": self.scale}


@keras.saving.register_keras_serializable(package="RegTests", name="half_mse")
def half_mse(y_true, y_pred):
    return 0.5 * keras.ops.mean((y_true - y_pred) ** 2, axis=-1)


@keras.saving.register_keras_serializable(package="RegTests")
def max_error(y_true, y_pred):
    return keras.ops.max(keras.ops.abs(y_true - y_pred), axis=-1)


@keras.saving.register_keras_serializable(package="RegTests")
class ScaledMSE(keras.losses.Loss):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, y_true, y_pred):
        return self.factor * keras.ops.mean((y_true - y_pred) ** 2, axis=-1)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


@keras.saving.register_keras_serializable(package="RegTests")
class Halves(keras.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return np.full(shape, 0.5, dtype or "float32")

    def get_config(self):
        return {}


def test_registration_names():
    assert keras.saving.get_registered_name(Affine) == "RegTests>Affine"
    assert keras.saving.get_registered_name(half_mse) == "RegTests>half_mse"
    assert keras.saving.get_custom_objects()["RegTests>Affine"] is Affine
    assert keras.saving.get_registered_object("RegTests>Affine") is Affine
    with pytest.raises(ValueError, match="must define `get_config"):
        keras.saving.register_keras_serializable()(type("NoConfig", (), {}))


def test_keras3_dict_format():
    config = serialize_keras_object(Affine(3, scale=2.0, name="aff"))
    assert config["class_name"] == "Affine" and config["registered_name"] == "RegTests>Affine"
    assert config["config"]["units"] == 3
    dense = serialize_keras_object(layers.Dense(2))
    assert set(dense) == {"module", "class_name", "config", "registered_name"}
    assert dense["config"]["dtype"]["class_name"] == "DTypePolicy"
    assert serialize_keras_object(half_mse) == {
        "module": __name__, "class_name": "function", "config": "RegTests>half_mse",
        "registered_name": "RegTests>half_mse"}
    adam = serialize_keras_object(keras.optimizers.Adam(0.01))
    assert adam["module"] == "keras.optimizers"
    assert adam["config"]["learning_rate"] == pytest.approx(0.01)
    assert deserialize_keras_object(adam).get_config() == adam["config"]
    assert deserialize_keras_object(config).scale == 2.0
    assert deserialize_keras_object(serialize_keras_object(half_mse)) is half_mse


def test_keras2_dict_format_and_plain_values():
    layer = deserialize_keras_object({"class_name": "Dense", "config": {
        "name": "d", "units": 4, "activation": "relu", "dtype": "float32"}})
    assert type(layer).__name__ == "Dense" and layer.units == 4
    values = serialize_keras_object({"a": (1, 2), "s": slice(1, None), "e": Ellipsis,
                                     "n": np.arange(3), "b": b"hi"})
    back = deserialize_keras_object(values)
    assert back["s"] == slice(1, None) and back["e"] is Ellipsis and back["b"] == b"hi"
    np.testing.assert_array_equal(back["n"], np.arange(3))


@pytest.mark.parametrize("name", ["custom.keras", "custom.h5"])
def test_custom_layer_loss_metric_round_trip(name, tmp_path):
    model = keras.Sequential([Affine(4, scale=0.5, input_shape=(3,)),
                              layers.Dense(2, kernel_initializer=Halves())])
    model.compile(optimizer="adam", loss=half_mse, metrics=[max_error])
    model.fit(X, Y, epochs=1, verbose=0)
    path = str(tmp_path / name)
    model.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored.layers[0], Affine) and restored.layers[0].scale == 0.5
    assert isinstance(restored.layers[1].kernel_initializer, Halves)
    np.testing.assert_allclose(restored.predict(X, verbose=0), model.predict(X, verbose=0))
    assert restored.evaluate(X, Y, verbose=0, return_dict=True) == \
        model.evaluate(X, Y, verbose=0, return_dict=True)


def test_custom_loss_class_round_trip(tmp_path):
    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=ScaledMSE(factor=3.0))
    path = str(tmp_path / "loss.keras")
    model.save(path)
    restored = keras.models.load_model(path)
    assert isinstance(restored.loss, ScaledMSE) and restored.loss.factor == 3.0
    assert restored.evaluate(X, Y, verbose=0) == pytest.approx(model.evaluate(X, Y, verbose=0))


def test_unregistered_objects_through_custom_objects_and_scopes(tmp_path):
    def my_loss(y_true, y_pred):
        return keras.ops.mean(keras.ops.abs(y_true - y_pred), axis=-1)

    model = keras.Sequential([layers.Dense(2, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=my_loss)
    path = str(tmp_path / "fn.keras")
    model.save(path)
    with pytest.raises(ValueError, match=r"fn\.keras.*my_loss.*custom_objects"):
        keras.models.load_model(path)
    assert keras.models.load_model(path, custom_objects={"my_loss": my_loss}).loss is my_loss
    with keras.saving.custom_object_scope({"my_loss": my_loss}):
        assert keras.models.load_model(path).loss is my_loss
    with keras.saving.CustomObjectScope({"my_loss": my_loss}):
        assert keras.saving.get_registered_object("my_loss") is my_loss
    assert keras.saving.get_registered_object("my_loss") is None


def test_missing_get_config_arguments_error_names_the_layer(tmp_path):
    class Forgetful(layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units = units

    model = keras.Sequential([layers.Dense(2, input_shape=(3,)), Forgetful(3, name="forgetful")])
    path = str(tmp_path / "forgetful.keras")
    model.save(path)
    with pytest.raises(TypeError, match=r"'forgetful' \(class Forgetful\).*get_config"):
        keras.models.load_model(path, custom_objects={"Forgetful": Forgetful})
