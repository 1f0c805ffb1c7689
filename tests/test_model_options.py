"""compile(jit_compile=) and summary(layer_range=, expand_nested=, show_trainable=) do what
Keras does, or say why not; a model saved under a name without extension is announced by a
warning, not a print."""
import os
import re

os.environ.setdefault("KERAS_BACKEND", "jax")

import jax
import keras as real_keras
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


def _nested_model(k):
    """Two inputs (so neither library prints it as a plain stack), a Sequential with a frozen
    layer and a functional model nested in it, in neurx (`k=keras`) or in the real Keras."""
    inner = k.Sequential([k.Input((4,)), k.layers.Dense(3, name="inner_dense"),
                          k.layers.Dropout(0.1, name="inner_drop")], name="inner")
    inner.layers[0].trainable = False
    branch_input = k.Input((4,), name="branch_input")
    branch = k.Model(branch_input, k.layers.Dense(3, name="branch_dense")(branch_input),
                     name="branch")
    a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
    return k.Model([a, b], k.layers.Add(name="add")([inner(a), branch(b)]), name="outer")


def _keras_rows(model, **options):
    """`(nesting level, layer name, param count, trainable mark)` of each row of the real
    Keras's table (rich's box drawing: cells between "│")."""
    lines = []
    model.summary(print_fn=lines.append, line_length=150, **options)
    rows = []
    for line in "\n".join(lines).splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if cells and cells[0]:
            level, name = _level_and_name(line.split("│")[1])
            rows.append((level, name, cells[2], cells[-1] if options.get("show_trainable")
                         else None))
    return rows


def _neurx_rows(model, **options):
    """The same of neurx's table (tf.keras 2's layout: columns at fixed positions)."""
    lines = []
    model.summary(print_fn=lines.append, line_length=150, **options)
    rows = []
    for line in lines:
        if re.match(r"^ +(└ )?\w+ \(\w+\)", line) and "Layer (type)" not in line:
            level, name = _level_and_name(line)
            fields = line.split()
            mark = fields[-1] if options.get("show_trainable") else None
            rows.append((level, name, re.search(r"\)\s+(\(.*?\)|\[.*?\])\s+(\d+)", line)[2],
                         mark))
    return rows


def _level_and_name(cell):
    match = re.match(r"^( *)(└ )?(\w+)", cell)
    return (len(match[1]) // 3 if match[2] else 0), match[3]


@pytest.mark.parametrize("options", [{"expand_nested": True, "show_trainable": True},
                                     {"expand_nested": True}, {"show_trainable": True}])
def test_summary_expands_nested_models_and_shows_trainable_as_keras(options, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")   # rich cuts Keras's table to the terminal's width
    expected = _keras_rows(_nested_model(real_keras), **options)
    assert _neurx_rows(_nested_model(keras), **options) == expected
    assert ("inner_dense" in [row[1] for row in expected]) == options.get("expand_nested", False)


def test_saving_without_extension_warns_once_per_file(tmp_path, capsys):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])
    path = str(tmp_path / "checkpoint")
    with pytest.warns(UserWarning, match="Keras format.*load_model"):
        model.save(path)
    model.save(path)   # the same file again: no second warning (warnings are errors here)
    assert capsys.readouterr().out == ""
    assert keras.models.load_model(path).count_params() == 4
