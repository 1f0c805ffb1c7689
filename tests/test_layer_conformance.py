"""The layer contract, checked over every public layer class (the `neurx.layers` namespace).

Each class is built as its `layer_cases.CASES` entry says, with an activity regularizer
added where its output is floating, and the same layer object is shared by the checks:
config round trip, `.keras` and `.h5` round trips (same predictions, same loss with the
regularization), outputs and gradients equal to the real Keras 3's on the same weights
(all layers in one compiled program), the `mixed_bfloat16` policy, mask propagation and
the `training` flag, each against Keras where Keras has the layer. A case's `differs`
names the checks where a difference from Keras is expected, and why.

The default run keeps what is cheap for ~85 classes (coverage, configs, `.keras` round
trip, masks); the parity program, `.h5`, mixed precision and `training` checks are marked
slow (`pytest -m slow tests/test_layer_conformance.py`, about 10 minutes on 2 loaded cores).
"""
import functools
import inspect
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import keras as real_keras
import numpy as np
import pytest
from layer_cases import CASES
from rnn_parity import as_list, assert_case_matches, parity_results
from spatial_parity import check_config

import neurx
from neurx.saving.deserialization import _KERAS_ONLY_KEYS

PUBLIC = {cls.__name__: cls for cls in vars(neurx.layers).values()
          if inspect.isclass(cls) and issubclass(cls, neurx.layers.Layer)}
NAMES = sorted(CASES)
# Keras 3 runs these through TensorFlow: importing it into every test worker would cost more
# than the check; test_layers_preprocessing.py checks them against Keras's documented outputs.
NEEDS_TENSORFLOW_IN_KERAS = {"IntegerLookup", "StringLookup", "TextVectorization"}


def test_every_public_layer_class_has_a_case():
    assert sorted(set(PUBLIC) - set(CASES)) == [], "add an entry to tests/layer_cases.py"
    assert sorted(set(CASES) - set(PUBLIC)) == [], "a case names no public layer class"
    for name in NAMES:
        assert any(isinstance(layer, PUBLIC[name]) for layer in _layers_of(_fresh(name))), name


def _fresh(name, library=neurx):
    return CASES[name].build(library.layers)


def _layers_of(layer):
    stack, found = [layer], []
    while stack:
        found.append(stack.pop())
        stack += found[-1]._layers
    return found


def _inputs(name):
    rs = np.random.RandomState(sorted(CASES).index(name))
    arrays = [spec.sample(rs) for spec in CASES[name].inputs]
    return arrays[0] if len(arrays) == 1 else arrays


def _call(layer, x, **kwargs):
    if isinstance(layer, neurx.layers.OpLayer):   # takes the operands as arguments
        return layer(*x, **kwargs)
    return layer(x, **kwargs)


def _floating(array) -> bool:
    return np.issubdtype(np.asarray(array).dtype, np.floating)


def _keras_has(name) -> bool:
    return CASES[name].differs_in("keras") is None and name not in NEEDS_TENSORFLOW_IN_KERAS


@functools.cache
def layer_under_test(name):
    """The layer under test (regularized when its output is floating), called once."""
    layer, x = _fresh(name), _inputs(name)
    if CASES[name].differs_in("model") is None and _floating(as_list(_call(layer, x))[0]) \
            and layer.activity_regularizer is None \
            and CASES[name].differs_in("activity_regularizer") is None:
        config = {**layer.get_config(), "activity_regularizer": {"class_name": "L2",
                                                                 "config": {"l2": 0.01}}}
        layer = type(layer).from_config(config)
        _call(layer, x)
    return layer


@pytest.mark.parametrize("name", NAMES)
def test_config_round_trip(name):
    layer = layer_under_test(name)
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    assert type(clone.activity_regularizer) is type(layer.activity_regularizer)


def _model(name):
    layer, case = layer_under_test(name), CASES[name]
    inputs = [neurx.Input(shape=spec.shape, dtype=spec.dtype) for spec in case.inputs]
    outputs = _call(layer, inputs[0] if len(inputs) == 1 else inputs)
    return neurx.Model(inputs, outputs)


def _loss(model, x, y):
    """The compiled loss plus every regularization term (activity ones included)."""
    weights = [v.value for v in model.trainable_weights], \
        [v.value for v in model.non_trainable_weights]
    outputs, _, activity = model.stateless_call(*weights, x, return_losses=True)
    return float(model.compute_loss(x, y, outputs) + sum(activity))


@pytest.mark.parametrize("suffix", [".keras", pytest.param(".h5", marks=pytest.mark.slow)])
@pytest.mark.parametrize("name", [n for n in NAMES if CASES[n].differs_in("model") is None])
def test_saved_and_loaded_model_predicts_and_scores_the_same(name, suffix, tmp_path):
    model, x = _model(name), _inputs(name)
    expected = np.asarray(model(x))
    model.save(tmp_path / f"model{suffix}")
    loaded = neurx.models.load_model(tmp_path / f"model{suffix}",
                                     safe_mode=name != "Lambda")   # a Lambda is bytecode
    np.testing.assert_array_equal(np.asarray(loaded(x)), expected)
    if _floating(expected):
        y = np.random.RandomState(1).normal(size=expected.shape).astype("float32")
        for m in (model, loaded):
            m.compile(optimizer="sgd", loss="mse")
        assert _loss(loaded, x, y) == pytest.approx(_loss(model, x, y), rel=1e-6)


@pytest.mark.slow
def test_outputs_and_gradients_equal_keras():
    """Every layer Keras has, on the same weights, in one program per library (compiling
    one program with every layer is far faster than one per layer); names every layer
    that differs."""
    names = [n for n in NAMES if _keras_has(n) and n != "InputLayer"]
    cases = []
    for name in names:
        x = _inputs(name)
        grads = _floating(as_list(_call(layer_under_test(name), x))[0]) and \
            all(_floating(a) for a in as_list(x))
        cases.append((_fresh(name), _fresh(name, real_keras), (x,), {}, grads))
    failures = []
    for name, results in zip(names, parity_results(cases)):
        try:
            assert_case_matches(*results, what=name)
        except AssertionError as error:
            failures.append(f"{name}: {error}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", [n for n in NAMES if _keras_has(n) or n == "Layer"])
def test_config_keys_and_values_equal_keras(name):
    """Key for key, but the Keras 3 keys that neurx leaves at their default (files with or
    without them load in both) and a case's explicit `config_keys_differ`."""
    ours, theirs = _fresh(name), _fresh(name, real_keras)
    keras_only = {k for k in _KERAS_ONLY_KEYS if k in theirs.get_config()} - \
        set(ours.get_config())
    check_config(ours, theirs, keras_only | set(CASES[name].config_keys_differ))


def _keras_twin(name, ours):
    """Keras's layer of the case, built and holding `ours`'s weights."""
    theirs = _fresh(name, real_keras)
    _call(theirs, _inputs(name))
    theirs.set_weights(ours.get_weights())
    return theirs


def _with_policy(layer, policy):
    if type(layer).__name__ == "Lambda":   # Keras's from_config refuses a lambda in safe mode
        return type(layer)(layer.function, dtype=policy)
    return type(layer).from_config({**layer.get_config(), "dtype": policy})


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if _keras_has(n) and n != "InputLayer"])
def test_mixed_bfloat16_like_keras(name):
    x = _inputs(name)
    ours = _with_policy(_fresh(name), "mixed_bfloat16")
    mine = as_list(_call(ours, x))
    theirs = _with_policy(_fresh(name, real_keras), "mixed_bfloat16")
    _call(theirs, x)
    theirs.set_weights(ours.get_weights())
    ref = as_list(_call(theirs, x))
    assert [str(v.dtype) for v in ours.weights] == [str(v.dtype) for v in theirs.weights]
    if CASES[name].differs_in("mixed_bfloat16"):
        assert [str(a.dtype) for a in mine] != [str(b.dtype) for b in ref]
        return
    assert [str(a.dtype) for a in mine] == [str(b.dtype) for b in ref]
    for a, b in zip(mine, ref):   # bfloat16 keeps 8 bits of mantissa
        np.testing.assert_allclose(np.asarray(a, "float32"), np.asarray(b, "float32"),
                                   rtol=0.05, atol=0.05)


def _mask_seen_after(name, library):
    """The mask that reaches the layer after the case's layer, in a functional model whose
    float inputs pass through Masking(0.0) (their last step is all zeros)."""
    class Probe(library.layers.Layer):
        def __init__(self):
            super().__init__()
            self.supports_masking = True
            self.seen = None

        def call(self, inputs, mask=None):
            self.seen = mask
            return inputs

    x, specs = _inputs(name), CASES[name].inputs
    arrays = x if isinstance(x, list) else [x]
    for array in arrays:   # sequences and images: a masked last step
        if _floating(array) and array.ndim > 2:
            array[:, -1] = 0.0
    inputs = [library.Input(shape=s.shape, dtype=s.dtype) for s in specs]
    masked = [library.layers.Masking(0.0)(t) if s.dtype.startswith("float") and len(s.shape) > 1
              else t for t, s in zip(inputs, specs)]
    layer, probe = _fresh(name, library), Probe()
    probe(_call(layer, masked[0] if len(masked) == 1 else masked))
    library.Model(inputs, probe.output)(x)
    return probe.seen


RECURRENT = {"SimpleRNN", "LSTM", "GRU", "RNN", "SimpleRNNCell", "LSTMCell", "GRUCell",
             "StackedRNNCells", "Bidirectional", "TimeDistributed"}   # eager loops: slow


@pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.slow) if n in RECURRENT
                                  else n for n in NAMES if _keras_has(n) and n != "InputLayer"])
def test_mask_propagation_like_keras(name):
    if not _fresh(name, real_keras).supports_masking:   # then Keras passes no mask on
        assert _mask_seen_after(name, neurx) is None
        return
    ours, theirs = _mask_seen_after(name, neurx), _mask_seen_after(name, real_keras)
    assert (ours is None) == (theirs is None), (ours, theirs)
    if ours is not None:
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in NAMES if _keras_has(n) and n != "InputLayer" and
                                  "training" in inspect.signature(PUBLIC[n].call).parameters])
def test_training_flag_like_keras(name):
    x = _inputs(name)
    ours = _fresh(name)
    _call(ours, x)
    theirs = _keras_twin(name, ours)
    if CASES[name].random:   # noise in training only, on both sides
        for layer in (ours, theirs):
            np.testing.assert_array_equal(np.asarray(_call(layer, x, training=False)), x)
            assert not np.array_equal(np.asarray(_call(layer, x, training=True)), x)
    else:
        for a, b in zip(as_list(_call(ours, x, training=True)),
                        as_list(_call(theirs, x, training=True))):
            np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-5, atol=1e-5)
