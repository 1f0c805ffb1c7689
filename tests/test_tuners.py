"""`neurx.tuners`: KerasTuner's interface on optuna, in one process."""
import numpy as np
import pytest
from tuner_models import build_regressor, regression_data

import neurx as keras
from neurx.tuners import (
    BayesianOptimization,
    Hyperband,
    HyperModel,
    HyperParameters,
    Objective,
    RandomSearch,
)
from neurx.tuners.errors import FailedTrialError, FatalError
from neurx.tuners.hyperparameters import SearchSpaceError


@pytest.fixture
def data():
    return regression_data()


def fit_args(data, epochs=2):
    x, y, xv, yv = data
    return (x, y), dict(epochs=epochs, validation_data=(xv, yv), verbose=0)


# ---------------------------------------------------------------- HyperParameters
def test_hyperparameters_defaults_and_values():
    hp = HyperParameters()
    assert hp.Int("units", 32, 512, step=32) == 32
    assert hp.Float("lr", 1e-4, 1e-2, sampling="log", default=1e-3) == 1e-3
    assert hp.Choice("act", ["relu", "tanh"]) == "relu"
    assert hp.Boolean("dropout") is False
    assert hp.Fixed("batch", np.int64(64)) == 64 and type(hp.values["batch"]) is int
    assert hp.values == {"units": 32, "lr": 1e-3, "act": "relu", "dropout": False, "batch": 64}
    assert hp.get("units") == 32 and "act" in hp
    with pytest.raises(KeyError, match="nope does not exist"):
        hp.get("nope")
    fixed = HyperParameters.from_values({"units": 128})
    assert fixed.Int("units", 32, 512) == 128


def test_conditional_scopes():
    hp = HyperParameters.from_values({"model": "cnn"})
    hp.Choice("model", ["mlp", "cnn"])
    with hp.conditional_scope("model", ["mlp"]):
        assert hp.Int("layers", 1, 3) is None  # inactive: None, not in values
    with hp.conditional_scope("model", "cnn"):
        assert hp.Int("filters", 8, 64) == 8
    assert hp.Int("kernel", 3, 5, parent_name="model", parent_values=["mlp"]) is None
    assert hp.values == {"model": "cnn", "filters": 8}
    assert hp.get("layers") is None and not hp.is_active("layers")
    with pytest.raises(ValueError, match="`HyperParameter` named: size not defined"):
        with hp.conditional_scope("size", [1]):
            pass


@pytest.mark.parametrize("define, message", [
    (lambda hp: hp.Choice("act", [keras.activations.relu, "tanh"]),
     "can contain only `int`, `float`, `str`, or `bool`"),
    (lambda hp: hp.Choice("mixed", [1, "a"]), "only one type of value"),
    (lambda hp: hp.Float("lr", 0.0, 1.0, sampling="log"), "needs min_value > 0"),
    (lambda hp: hp.Int("n", 1, 10, sampling="cubic"), "`sampling` must be one of"),
    (lambda hp: hp.Int("n", 1, 100, step=2, sampling="log"), "`step` with sampling='log'"),
    (lambda hp: hp.Int("n", 10, 1), "must not exceed max_value"),
    (lambda hp: hp.Choice("c", ["a", "b"], default="z"), "must be one of its values"),
])
def test_unsupported_search_spaces_are_clear_errors(define, message):
    with pytest.raises(SearchSpaceError, match=message):
        define(HyperParameters())


def test_objectives():
    assert repr(Objective("val_accuracy", direction="max")) == \
        'Objective(name="val_accuracy", direction="max")'
    with pytest.raises(ValueError, match='`direction` must be "min" or "max"'):
        Objective("val_loss", "down")


# ---------------------------------------------------------------- searching
def test_random_search_end_to_end(tmp_path, data, capsys):
    args, kwargs = fit_args(data)
    tuner = RandomSearch(build_regressor, objective="val_loss", max_trials=3, seed=7,
                         directory=str(tmp_path), project_name="rs")
    tuner.search(*args, **kwargs)
    trials = tuner.oracle.get_best_trials(3)
    assert [t.status for t in trials] == ["COMPLETED"] * 3
    assert [t.score for t in trials] == sorted(t.score for t in trials)
    best_hp = tuner.get_best_hyperparameters(1)[0]
    assert best_hp.values == trials[0].hyperparameters.values
    assert {"hidden", "learning_rate"} <= set(best_hp.values)
    assert ("units" in best_hp.values) == best_hp.values["hidden"]  # conditional hp
    model = tuner.get_best_models(1)[0]
    loss = model.evaluate(*data[2:], verbose=0)
    assert loss == pytest.approx(trials[0].score, rel=1e-4)  # the best epoch's weights
    tuner.results_summary(2)
    out = capsys.readouterr().out
    assert "Results summary" in out and "Showing 2 best trials" in out and "Score:" in out

    # the same seed draws the same configurations (no training needed to see it)
    def record_only(hp):
        build_regressor(hp)
        raise FailedTrialError("sampled only")

    again = RandomSearch(record_only, max_trials=3, seed=7, directory=str(tmp_path),
                         project_name="rs_again", max_consecutive_failed_trials=5)
    again.search(*args, **kwargs)
    drawn = [t.hyperparameters.values for t in sorted(again.oracle.trials.values(),
                                                      key=lambda t: t.number)]
    assert drawn == [t.hyperparameters.values for t in sorted(trials, key=lambda t: t.number)]

    # reopening the project shows the same results; overwrite=True starts over
    reopened = RandomSearch(build_regressor, max_trials=3, directory=str(tmp_path), project_name="rs")
    assert reopened.get_best_hyperparameters(1)[0].values == best_hp.values
    fresh = RandomSearch(build_regressor, max_trials=3, directory=str(tmp_path), project_name="rs",
                         overwrite=True)
    assert fresh.get_best_hyperparameters(1) == []


def build_deep_regressor(hp):
    """`n_neurons` exists only when `n_hidden` > 0 (its default is 0)."""
    model = keras.Sequential([keras.layers.Input(shape=(4,))])
    for _ in range(hp.Int("n_hidden", 0, 2)):
        model.add(keras.layers.Dense(hp.Int("n_neurons", 2, 8), activation="relu"))
    model.add(keras.layers.Dense(1))
    model.compile(loss="mse", optimizer=keras.optimizers.SGD(hp.Float("learning_rate", 1e-3, 0.1)))
    return model


def test_search_space_summary_lists_what_any_trial_defined(tmp_path, data, capsys):
    args, kwargs = fit_args(data)
    tuner = RandomSearch(build_deep_regressor, max_trials=6, seed=1, directory=str(tmp_path),
                         max_model_size=1, max_consecutive_failed_trials=10)  # built, not trained
    tuner.search_space_summary()
    before = capsys.readouterr().out
    assert "Default search space size: 2" in before and "n_neurons" not in before
    tuner.search(*args, **kwargs)
    assert any("n_neurons" in t.hyperparameters.values for t in tuner.oracle.trials.values())
    capsys.readouterr()
    tuner.search_space_summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[:2] == ["Search space summary", "Default search space size: 3"]
    assert lines[2::2] == ["n_hidden (Int)", "learning_rate (Float)", "n_neurons (Int)"]
    assert '"min_value": 2, "max_value": 8' in lines[7]


def test_bayesian_optimization_uses_tpe_after_initial_points(tmp_path, data):
    args, kwargs = fit_args(data, epochs=1)
    tuner = BayesianOptimization(build_regressor, objective=Objective("val_loss", "min"),
                                 max_trials=3, num_initial_points=2, seed=1,
                                 directory=str(tmp_path))
    assert type(tuner._sampler(2)).__name__ == "TPESampler"
    tuner.search(*args, **kwargs)
    assert len(tuner.get_best_hyperparameters(3)) == 3


def test_hyperband_reports_each_epoch_to_the_pruner(tmp_path, data):
    args, kwargs = fit_args(data, epochs=1)  # Hyperband trains up to max_epochs instead
    tuner = Hyperband(build_regressor, objective="val_loss", max_epochs=2, factor=2, seed=0,
                      directory=str(tmp_path))
    assert tuner.max_trials == 4  # two brackets of 2 configurations
    tuner.search(*args, **kwargs)
    trials = tuner.study.get_trials()
    assert len(trials) == 4
    for trial in trials:
        steps = sorted(trial.intermediate_values)
        assert steps == list(range(len(steps))) and 1 <= len(steps) <= 2
        if trial.state.name == "COMPLETE":
            assert len(steps) == 2
    assert type(tuner.study.pruner).__name__ == "HyperbandPruner"


def test_hypermodel_subclass_can_tune_fit(tmp_path, data):
    class Tunable(HyperModel):
        def build(self, hp):
            return build_regressor(hp)

        def fit(self, hp, model, *args, **kwargs):
            return model.fit(*args, batch_size=hp.Choice("batch_size", [16, 32]), **kwargs)

    args, kwargs = fit_args(data, epochs=1)
    tuner = RandomSearch(Tunable(), max_trials=1, directory=str(tmp_path))
    tuner.search(*args, **kwargs)
    assert tuner.get_best_hyperparameters()[0].values["batch_size"] in (16, 32)


# ---------------------------------------------------------------- failures
def test_a_crashed_trial_is_recorded_and_the_search_goes_on(tmp_path, data, capsys):
    calls = []

    def sometimes_crashes(hp):
        calls.append(1)
        model = build_regressor(hp)
        if len(calls) == 1:
            raise RuntimeError("boom: out of luck")
        return model

    args, kwargs = fit_args(data, epochs=1)
    tuner = RandomSearch(sometimes_crashes, max_trials=2, directory=str(tmp_path))
    tuner.search(*args, **kwargs)
    trials = sorted(tuner.oracle.trials.values(), key=lambda t: t.number)
    assert [t.status for t in trials] == ["FAILED", "COMPLETED"]
    assert "RuntimeError: boom: out of luck" in trials[0].message
    tuner.results_summary()
    assert "RuntimeError: boom" in capsys.readouterr().out


def test_too_many_consecutive_failures_stop_the_search(tmp_path, data):
    def always_crashes(hp):
        raise RuntimeError("broken build")

    args, kwargs = fit_args(data)
    tuner = RandomSearch(always_crashes, max_trials=10, directory=str(tmp_path))
    with pytest.raises(RuntimeError, match="(?s)3 consecutive trials failed.*RuntimeError: broken build"):
        tuner.search(*args, **kwargs)
    assert len(tuner.study.get_trials()) == 3


@pytest.mark.parametrize("build, error, message", [
    (lambda hp: keras.Sequential([keras.layers.Dense(1, input_shape=(4,))]), ValueError,
     "returned a model that is not compiled"),
    (lambda hp: None, TypeError, "must return a compiled neurx model; it returned NoneType"),
    (lambda hp: hp.Choice("opt", [keras.optimizers.SGD(), "adam"]), SearchSpaceError,
     "can contain only"),
])
def test_configuration_errors_stop_at_once(tmp_path, data, build, error, message):
    args, kwargs = fit_args(data)
    tuner = RandomSearch(build, max_trials=5, directory=str(tmp_path))
    with pytest.raises(error, match=message):
        tuner.search(*args, **kwargs)
    assert len(tuner.study.get_trials()) == 1  # no retrying a mistake every trial would make


def test_objective_missing_from_the_logs(tmp_path, data):
    x, y, _, _ = data
    tuner = RandomSearch(build_regressor, objective="val_mae", max_trials=2,
                         directory=str(tmp_path))
    with pytest.raises(FatalError, match="'val_mae' is not among the metrics.*'loss'"):
        tuner.search(x, y, epochs=1, verbose=0)
    with pytest.raises(ValueError, match="Could not infer optimization direction"):
        RandomSearch(build_regressor, objective="my_score", directory=str(tmp_path))
    with pytest.raises(TypeError, match="build_model\\(hp\\)"):
        RandomSearch(keras.Sequential(), directory=str(tmp_path))


# ---------------------------------------------------------------- resuming
class InterruptAt(keras.callbacks.Callback):
    """Raises KeyboardInterrupt (Ctrl-C) at `epoch` of the second trial.

    Tuners copy callbacks for each model they train, so the log is kept on the class.
    """

    log: list = []

    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.log.append(epoch)

    def on_epoch_end(self, epoch, logs=None):
        if self.log.count(0) == 2 and epoch == self.epoch and "done" not in self.log:
            self.log.append("done")
            raise KeyboardInterrupt


def test_interrupted_search_resumes_the_running_trial(tmp_path, data):
    args, kwargs = fit_args(data, epochs=4)
    log = InterruptAt.log
    log.clear()
    kwargs["callbacks"] = [InterruptAt(epoch=2)]
    settings = dict(objective="val_loss", max_trials=3, seed=3, directory=str(tmp_path),
                    project_name="resume")
    tuner = RandomSearch(build_regressor, **settings)
    with pytest.raises(KeyboardInterrupt):
        tuner.search(*args, **kwargs)
    assert log == [0, 1, 2, 3, 0, 1, 2, "done"]

    resumed = RandomSearch(build_regressor, **settings)
    resumed.search(*args, **kwargs)
    assert log[8:] == [2, 3, 0, 1, 2, 3]  # trial 1 went on from epoch 2, then trial 2 ran
    trials = {t.number: t for t in resumed.oracle.trials.values()}
    assert trials[1].status == "INTERRUPTED"
    retry = next(t for t in resumed.study.get_trials() if t.system_attrs.get("failed_trial") == 1)
    assert retry.user_attrs["neurx_resumed_from"] == {"trial": 1, "epoch": 1, "execution": 0}
    assert retry.params == resumed.study.trials[1].params
    completed = [t for t in trials.values() if t.status == "COMPLETED"]
    assert len(completed) == 3  # max_trials results, none lost


# ---------------------------------------------------------------- tuner options
def test_preset_hyperparameters_and_new_entries(tmp_path, data):
    def sample_only(hp):
        build_regressor(hp)
        raise FailedTrialError("sampled only")

    preset = HyperParameters()
    preset.Fixed("learning_rate", 0.01)
    args, kwargs = fit_args(data)
    tuner = RandomSearch(sample_only, max_trials=3, seed=2, hyperparameters=preset,
                         tune_new_entries=False, max_consecutive_failed_trials=5,
                         directory=str(tmp_path), project_name="preset")
    tuner.search(*args, **kwargs)
    values = [t.hyperparameters.values for t in tuner.oracle.trials.values()]
    assert values == [{"hidden": False, "learning_rate": 0.01}] * 3  # defaults, fixed lr
    strict = RandomSearch(sample_only, max_trials=1, hyperparameters=preset,
                          allow_new_entries=False, directory=str(tmp_path), project_name="strict")
    with pytest.raises(SearchSpaceError, match="'hidden' is not in the tuner's `hyperparameters`"):
        strict.search(*args, **kwargs)


def test_retries_executions_and_model_size(tmp_path, data):
    builds = []

    def flaky(hp):
        builds.append(1)
        if len(builds) == 1:
            raise RuntimeError("transient")
        return build_regressor(hp)

    args, kwargs = fit_args(data, epochs=1)
    tuner = RandomSearch(flaky, max_trials=1, max_retries_per_trial=1, executions_per_trial=2,
                         directory=str(tmp_path), project_name="retry")
    tuner.search(*args, **kwargs)
    assert len(builds) == 3  # one crash, then two executions of the retried trial
    assert [t.status for t in tuner.oracle.trials.values()] == ["COMPLETED"]
    small = RandomSearch(build_regressor, max_trials=1, max_model_size=3,
                         directory=str(tmp_path), project_name="small")
    small.search(*args, **kwargs)
    trial = next(iter(small.oracle.trials.values()))
    assert trial.status == "FAILED" and "more than max_model_size=3" in trial.message
