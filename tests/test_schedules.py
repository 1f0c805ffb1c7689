"""neurx.optimizers.schedules against Keras 3's schedules, step by step."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import jax
import jax.numpy as jnp
import keras
import pytest

from neurx.optimizers import schedules

STEPS = [0, 1, 2, 5, 9, 10, 11, 17, 30, 50, 123, 1000]

CASES = {
    "exponential": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10,
                                             decay_rate=0.5)),
    "exponential_staircase": ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=7,
                                                       decay_rate=0.9, staircase=True)),
    "piecewise": ("PiecewiseConstantDecay", dict(boundaries=[5, 10, 30],
                                                 values=[1.0, 0.5, 0.1, 0.01])),
    "polynomial": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20)),
    "polynomial_cycle": ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=20,
                                                 end_learning_rate=0.01, power=0.5,
                                                 cycle=True)),
    "inverse_time": ("InverseTimeDecay", dict(initial_learning_rate=0.1, decay_steps=3,
                                              decay_rate=0.5)),
    "inverse_time_staircase": ("InverseTimeDecay", dict(initial_learning_rate=0.1,
                                                        decay_steps=3, decay_rate=0.5,
                                                        staircase=True)),
    "cosine": ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=25, alpha=0.1)),
    "cosine_warmup": ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=25,
                                          warmup_target=0.2, warmup_steps=10)),
    "restarts": ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=8)),
    "restarts_flat": ("CosineDecayRestarts", dict(initial_learning_rate=0.1,
                                                  first_decay_steps=6, t_mul=1.0, m_mul=0.5,
                                                  alpha=0.1)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras_at_several_steps(case):
    name, kwargs = CASES[case]
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    jitted = jax.jit(ours)
    for step in STEPS:
        expected = float(theirs(jnp.asarray(step, "int32")))
        assert float(ours(step)) == pytest.approx(expected, rel=1e-5, abs=1e-8), step
        assert float(jitted(jnp.asarray(step, "int32"))) == pytest.approx(
            expected, rel=1e-5, abs=1e-8), step


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_matches_keras_and_round_trips(case):
    name, kwargs = CASES[case]
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()
    assert schedules.serialize(ours) == keras.optimizers.schedules.serialize(theirs)
    again = schedules.deserialize(keras.optimizers.schedules.serialize(theirs))
    assert type(again) is type(ours) and again.get_config() == ours.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_custom_schedule_in_optimizer():
    from neurx.optimizers import SGD

    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / (2.0 ** step)

        def get_config(self):
            return {}

    opt = SGD(Halving())
    params = [jnp.zeros(1)]
    state = opt.init(params)
    for expected in (1.0, 0.5, 0.25):
        updates, state = jax.jit(opt.update)([jnp.ones(1)], state, params)
        assert float(updates[0][0]) == pytest.approx(-expected)
    restored = schedules.deserialize(schedules.serialize(Halving()),
                                     custom_objects={"Halving": Halving})
    assert isinstance(restored, Halving)


def test_errors():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, decay_steps=0, decay_rate=0.9)
    with pytest.raises(ValueError, match="1 less than the length of values"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0, 0.5])
    with pytest.raises(ValueError, match="Did you mean 'CosineDecay'"):
        schedules.deserialize({"class_name": "CosineDecy", "config": {}})
    with pytest.raises(NotImplementedError, match="must override"):
        schedules.LearningRateSchedule()(0)
