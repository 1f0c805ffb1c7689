"""neurx.playground without a browser: settings, data, the training session, the generated
Keras code and the session registry."""
import base64
import contextlib
import io
import json
import os
import threading

import numpy as np
import pytest

from neurx.playground import data as data_lib
from neurx.playground.network import build_model, keras_code
from neurx.playground.params import FEATURES, ParameterError, Params, validate
from neurx.playground.registry import (
    LiveSession,
    Registry,
    RegistryFull,
    SessionClosed,
    UnknownSession,
)
from neurx.playground.session import Session, encode_map


# ----------------------------------------------------------------------------- settings
@pytest.mark.parametrize("changes, message", [
    ({"activation": "relux"}, r"activation: expected one of 'relu'.*Received: activation='relux'"
                              r"\. Did you mean 'relu'\?"),
    ({"activation": 3}, r"activation: expected one of"),
    ({"learning_rate": -0.1}, r"learning_rate: expected a number above 0 up to 10\. "
                              r"Received: learning_rate=-0\.1"),
    ({"learning_rate": 0}, r"learning_rate: expected a number above 0"),
    ({"learning_rate": "0.1"}, r"learning_rate: .*Received: learning_rate='0\.1'"),
    ({"learning_rate": float("nan")}, r"learning_rate: .*Received: learning_rate=nan"),
    ({"learning_rate": True}, r"learning_rate: .*Received: learning_rate=True"),
    ({"regularization_rate": -1}, r"regularization_rate: expected a number from 0 to 10"),
    ({"hidden": [4] * 100}, r"hidden: expected a list of at most 6 hidden layer sizes"),
    ({"hidden": [4, 0]}, r"hidden: .*each a whole number from 1 to 8"),
    ({"hidden": [2.5]}, r"hidden: "),
    ({"hidden": "4,2"}, r"hidden: .*Received: hidden='4,2'"),
    ({"batch_size": 0}, r"batch_size: expected a whole number from 1 to 100"),
    ({"noise": 80}, r"noise: expected a number from 0 to 50"),
    ({"train_percent": 5}, r"train_percent: expected a number from 10 to 90"),
    ({"dataset": "moons"}, r"dataset: expected one of 'circle', 'xor', 'gauss', 'spiral'"),
    ({"features": []}, r"features: expected a non-empty list"),
    ({"features": ["x1", "x1"]}, r"features: expected a non-empty list of distinct"),
    ({"features": ["x1", "x1^3"]}, r"features: .*Did you mean 'x1\^2'\?"),
    ({"activaton": "relu"}, r"Unknown playground setting 'activaton'\. Did you mean 'activation'\?"),
])
def test_validate_rejects_bad_settings_with_a_message(changes, message):
    with pytest.raises(ParameterError, match=message):
        validate(changes)


def test_validate_rejects_a_non_object_and_accepts_integral_floats():
    with pytest.raises(ParameterError, match="must be a JSON object"):
        validate([1, 2])
    params = validate({"hidden": [3.0, 2], "batch_size": 7.0, "features": ["x2", "x1"]})
    assert params.hidden == (3, 2) and params.batch_size == 7
    assert params.features == ("x1", "x2")     # canonical order
    assert validate({"noise": 10}, Params(dataset="spiral")).dataset == "spiral"


# ----------------------------------------------------------------------------- data
@pytest.mark.parametrize("dataset", ["circle", "xor", "gauss", "spiral"])
def test_datasets_have_both_labels_and_split_as_asked(dataset):
    points = data_lib.make_points(dataset, noise=0, train_percent=70, seed=1)
    assert points.x_train.shape == (350, 2) and points.x_test.shape == (150, 2)
    labels = np.concatenate([points.y_train, points.y_test])
    assert set(labels.tolist()) == {0.0, 1.0} and 150 < labels.sum() < 350
    assert np.abs(np.concatenate([points.x_train, points.x_test])).max() <= data_lib.DOMAIN
    noisy = data_lib.make_points(dataset, noise=50, train_percent=70, seed=1)
    assert not np.allclose(noisy.x_train, points.x_train)


def test_features_and_grid():
    xy = np.array([[1.0, 2.0], [-3.0, 0.5]], "float32")
    columns = data_lib.features(xy, FEATURES)
    np.testing.assert_allclose(columns[1], [-3.0, 0.5, 9.0, 0.25, -1.5, np.sin(-3.0), np.sin(0.5)],
                               rtol=1e-6)
    grid = data_lib.grid(50)
    assert grid.shape == (2500, 2)
    assert grid[0].tolist() == [-6.0, 6.0] and grid[-1].tolist() == [6.0, -6.0]


# ----------------------------------------------------------------------------- session
def test_xor_trains_below_a_loss_of_0_1_within_300_epochs(fresh_programs):
    session = Session({"dataset": "xor"})         # x1, x2 -> 4 -> 2 -> 1, tanh, SGD 0.03
    assert session.losses()["train"] > 0.5
    for _ in range(30):
        session.train(epochs=10)
        if session.losses()["train"] < 0.1:
            break
    assert session.losses()["train"] < 0.1, session.losses()
    assert session.losses()["test"] < 0.15
    assert session.epoch <= 300
    assert session.engine.steps.trace_counts["train"] == 1   # one compiled program


def test_one_epoch_is_every_mini_batch_of_the_training_points():
    session = Session({"dataset": "gauss", "batch_size": 30, "train_percent": 50})
    indices, masks = session._plan()
    assert indices.shape == (9, 30) and masks.sum() == 250      # 250 points, last batch padded
    assert sorted(indices.ravel()[masks.ravel() > 0].tolist()) == list(range(250))
    before = session.weights()
    session.train(epochs=2)
    assert session.epoch == 2 and not np.allclose(before[0], session.weights()[0])


def test_updates_keep_or_reset_the_weights_as_documented():
    session = Session({"hidden": [3]})
    session.train(epochs=3)
    trained, first_engine = session.weights(), session.engine
    assert session.update({"learning_rate": 0.1, "batch_size": 5}) == "training"
    assert session.epoch == 3 and session.engine is first_engine
    np.testing.assert_array_equal(session.weights()[0], trained[0])
    assert float(session._state.opt_state.learning_rate) == pytest.approx(0.1)

    assert session.update({"regularization": "l2", "regularization_rate": 0.01}) == "penalty"
    assert session.epoch == 3 and session.engine is not first_engine
    np.testing.assert_array_equal(session.weights()[0], trained[0])

    assert session.update({"hidden": [5, 2]}) == "network"
    assert session.epoch == 0 and [w.shape for w in session.weights()][::2] == [(2, 5), (5, 2),
                                                                             (2, 1)]
    assert session.update({"dataset": "spiral"}) == "data" and session.epoch == 0
    assert session.update({"dataset": "spiral"}) == "nothing"


def test_a_network_seen_before_is_not_compiled_again(fresh_programs):
    session = Session({"hidden": [2]})
    session.train()
    engine = session.engine
    session.update({"hidden": [3]})
    session.update({"hidden": [2]})
    assert session.engine is engine
    session.update({"dataset": "xor", "seed": 5})          # new points of the same count
    session.train()
    assert session.engine is engine and engine.steps.trace_counts["train"] == 1


def test_a_rejected_update_changes_nothing():
    session = Session({"hidden": [2]})
    generation = session.generation
    with pytest.raises(ParameterError, match="activation"):
        session.update({"learning_rate": 0.5, "activation": "swish"})
    assert session.params.learning_rate == 0.03 and session.generation == generation


def test_reset_and_regenerate():
    session = Session({"hidden": [2], "seed": 7})
    session.train(epochs=2)
    session.reset()
    assert session.epoch == 0
    again = Session({"hidden": [2], "seed": 7})
    np.testing.assert_array_equal(session.points.x_train, again.points.x_train)
    old_points = session.points.x_train
    session.regenerate()
    assert session.params.seed == 8 and not np.allclose(session.points.x_train, old_points)


def _decode(b64):
    return np.frombuffer(base64.b64decode(b64), "uint8")


def test_describe_and_frame_carry_what_the_page_draws():
    session = Session({"hidden": [3, 2], "features": ["x1", "x2", "x1*x2"]}, grid_size=40,
                      map_size=20)
    setup = session.describe()
    assert setup["layer_sizes"] == [3, 3, 2, 1] and len(setup["feature_maps"]) == 3
    assert len(setup["train"]) + len(setup["test"]) == 500 and len(setup["train"][0]) == 3
    frame = json.loads(json.dumps(session.frame(), allow_nan=False))
    assert _decode(frame["surface"]).size == 40 * 40
    assert [len(layer) for layer in frame["maps"]] == [3, 2, 1]
    assert all(_decode(m).size == 20 * 20 for layer in frame["maps"] for m in layer)
    assert [np.shape(k) for k in frame["kernels"]] == [(3, 3), (3, 2), (2, 1)]
    assert frame["train_loss"] == pytest.approx(session.losses()["train"])
    # the surface is the model's own prediction on the grid
    grid = data_lib.features(data_lib.grid(40), session.params.features)
    session_model = session.engine.model
    session_model.set_weights(session.weights())
    expected = session_model.predict(grid, verbose=0)[:, 0] * 2 - 1
    np.testing.assert_allclose(_decode(frame["surface"]), np.round((expected + 1) * 127.5),
                               atol=1)


def test_a_diverged_network_still_makes_valid_json():
    session = Session({"hidden": [2]})
    nan_weights = [np.full(w.shape, np.nan, "float32") for w in session.weights()]
    session._state = session.engine.with_weights(session._state, nan_weights)
    frame = session.frame()
    assert frame["diverged"] and frame["train_loss"] is None
    json.dumps(frame, allow_nan=False)


def test_encode_map_scales_and_clips():
    assert _decode(encode_map(np.array([-4.0, 0.0, 2.0]))).tolist() == [0, 128, 191]
    assert _decode(encode_map(np.array([-4.0, 0.5]), scale=1.0)).tolist() == [0, 191]


# ----------------------------------------------------------------------------- keras code
def test_the_shown_keras_code_runs_and_builds_the_same_network():
    params = validate({"dataset": "xor", "features": ["x1", "x2", "x1*x2"], "hidden": [3],
                       "activation": "relu", "regularization": "l1",
                       "regularization_rate": 0.001, "learning_rate": 0.1})
    code = keras_code(params, epochs=2)
    namespace, out = {}, io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<playground code>", "exec"), namespace)
    assert out.getvalue().startswith("test loss:")
    shown, built = namespace["model"], build_model(params)
    assert [w.shape for w in shown.get_weights()] == [w.shape for w in built.get_weights()]
    assert [l.activation.__name__ for l in shown.layers] == ["relu", "sigmoid"]
    assert shown.layers[0].kernel_regularizer.l1 == pytest.approx(0.001)
    assert float(shown.optimizer.learning_rate) == pytest.approx(0.1)


def test_the_docs_show_the_code_the_page_shows():
    docs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                        "playground.md")
    with open(docs) as f:
        assert keras_code(Params()) in f.read()


# ----------------------------------------------------------------------------- registry
class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_registry_is_bounded_and_frees_idle_sessions():
    clock = _Clock()
    registry = Registry(max_sessions=2, idle_timeout=30, session_factory=lambda p: object(),
                        clock=clock)
    a, b = registry.create(), registry.create()
    with pytest.raises(RegistryFull, match=r"Too many playground sessions are open \(2"):
        registry.create()
    clock.now = 20.0
    registry.get(a.id)                       # a request marks it alive
    clock.now = 40.0
    assert registry.reap() == [b.id] and b.closed
    with pytest.raises(UnknownSession, match="Reload the page"):
        registry.get(b.id)
    assert registry.create() is not None     # room again
    with pytest.raises(ValueError, match="max_sessions must be at least 1"):
        Registry(max_sessions=0)


def test_a_closed_stream_frees_its_session_unless_a_newer_one_took_over():
    registry = Registry(session_factory=lambda p: object())
    live = registry.create()
    old = registry.attach(live)
    new = registry.attach(live)              # the tab reconnected
    assert registry.detach(live, old) is False and len(registry) == 1
    assert registry.detach(live, new) is True and len(registry) == 0


def test_live_session_streams_frames_and_wakes_on_close():
    live = LiveSession("s", Session({"hidden": [2]}))
    seen, events = live.next_update(None, timeout=1)
    assert [name for name, _ in events] == ["setup", "frame"]
    assert live.next_update(seen, timeout=0.05) is None            # paused, nothing new
    live.control("play")
    seen, events = live.next_update(seen, timeout=1)
    assert [name for name, _ in events] == ["frame"] and events[0][1]["epoch"] == 1
    live.update({"hidden": [3]})
    _, events = live.next_update(seen, timeout=1)
    assert events[0][1]["layer_sizes"] == [2, 3, 1]
    live.control("pause")
    with pytest.raises(ParameterError, match="Unknown playground action 'jump'"):
        live.control("jump")
    errors = []

    def wait():
        try:
            live.next_update((live.version, live.session.generation), timeout=10)
        except SessionClosed as err:
            errors.append(err)
    waiter = threading.Thread(target=wait)
    waiter.start()
    live.close()
    waiter.join(timeout=5)
    assert not waiter.is_alive() and len(errors) == 1
