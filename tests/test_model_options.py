"""compile(jit_compile=) and summary(layer_range=) do what Keras does, or say why not; a
model saved under a name without extension is announced by a warning, not a print."""
import jax
import numpy as np
import pytest

import neurx as keras


class _Witness(keras.layers.Layer):
    """Records whether each call saw traced (compiled) or concrete inputs."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.traced = []

    def call(self, inputs):
        self.traced.append(isinstance(inputs, jax.core.Tracer))
        return inputs


def _fit(jit_compile) -> tuple:
    witness = _Witness()
    model = keras.Sequential([keras.Input((3,)), witness, keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse", jit_compile=jit_compile)
    witness.traced.clear()
    history = model.fit(np.ones((8, 3), "float32"), np.ones(8, "float32"), epochs=2,
                        batch_size=4, verbose=0)
    return model, history, set(witness.traced)


def test_jit_compile_false_runs_the_steps_without_compiling():
    model, history, traced = _fit(False)
    assert model.jit_compile is False and traced == {False}
    assert len(history.history["loss"]) == 2
    assert model.get_compile_config()["jit_compile"] is False
    model, _, traced = _fit("auto")
    assert model.jit_compile is True and traced == {True}


def test_jit_compile_rejects_other_values():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="jit_compile must be 'auto', True or False.*'xla'"):
        model.compile(optimizer="sgd", loss="mse", jit_compile="xla")


def _summary(model, layer_range):
    lines = []
    model.summary(print_fn=lines.append, layer_range=layer_range)
    return "\n".join(lines)


def test_summary_layer_range_prints_the_layers_between_two_names():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4, name="first"),
                              keras.layers.Dense(4, name="hidden_1"),
                              keras.layers.Dense(4, name="hidden_2"),
                              keras.layers.Dense(1, name="last")])
    text = _summary(model, ("hidden_1", "hidden_2"))
    assert "hidden_1 (Dense)" in text and "hidden_2 (Dense)" in text
    assert "first (Dense)" not in text and "last (Dense)" not in text
    assert "Total params: 61" in text   # the whole model's count, as Keras prints it
    assert "first (Dense)" in _summary(model, None)
    with pytest.raises(ValueError, match="No layer name matches 'hiden_1'.*Did you mean 'hidden_1'"):
        _summary(model, ("hiden_1", "last"))
    with pytest.raises(ValueError, match="two layer names"):
        _summary(model, ("first",))
    with pytest.raises(ValueError, match="is empty"):
        _summary(model, ("last", "first"))


def test_saving_without_extension_warns_once_per_file(tmp_path, capsys):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    path = str(tmp_path / "checkpoint")
    with pytest.warns(UserWarning, match="Keras format.*load_model"):
        model.save(path)
    model.save(path)   # the same file again: no second warning (warnings are errors here)
    assert capsys.readouterr().out == ""
    assert keras.models.load_model(path).count_params() == 4
