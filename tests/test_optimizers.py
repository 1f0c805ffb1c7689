"""neurx.optimizers against the real Keras 3 optimizers: same weights, same slot variables."""
import os

os.environ["KERAS_BACKEND"] = "jax"

import types
import warnings

import jax
import jax.numpy as jnp
import keras
import numpy as np
import optax
import pytest

from neurx import legacy, optimizers
from neurx.optimizers import LegacyArgumentWarning, schedules
from neurx.variables import Variable

NX = types.SimpleNamespace(optimizers=optimizers)
STEPS = 4


def _data(steps=STEPS, seed=0):
    rng = np.random.default_rng(seed)
    # Small weights keep float32 rounding of `w + update` far below the updates compared.
    params = [(0.1 * rng.normal(size=shape)).astype("float32") for shape in ((3, 4), (4,))]
    grads = [[(rng.normal(size=p.shape) * (1 + 3 * (t % 2))).astype("float32") for p in params]
             for t in range(steps)]
    return params, grads


def run_keras(opt, params, grads_seq, names=("kernel", "bias")):
    variables = [keras.Variable(p, name=n) for p, n in zip(params, names)]
    for grads in grads_seq:
        opt.apply_gradients(zip([jnp.asarray(g) for g in grads], variables))
    return [np.asarray(v.numpy()) for v in variables], [np.asarray(v) for v in opt.variables]


def run_neurx(opt, params, grads_seq):
    params = [jnp.asarray(p) for p in params]
    state = opt.init(params)
    update = jax.jit(opt.update)
    for grads in grads_seq:
        updates, state = update([jnp.asarray(g) for g in grads], state, params)
        params = optax.apply_updates(params, updates)
    return [np.asarray(p) for p in params], [np.asarray(v) for v in opt.state_to_variables(state)]


def assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a.shape == b.shape, f"item {i}: shape {a.shape} != {b.shape}"
        np.testing.assert_allclose(a.astype("float64"), b.astype("float64"), rtol=2e-5,
                                   atol=2e-6, err_msg=f"item {i}")


def _schedule(k):
    return k.optimizers.schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)


CASES = {
    "sgd": lambda k: k.optimizers.SGD(),
    "sgd_momentum": lambda k: k.optimizers.SGD(0.05, momentum=0.9),
    "sgd_nesterov": lambda k: k.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "sgd_clipnorm": lambda k: k.optimizers.SGD(0.1, clipnorm=1.0),
    "sgd_clipvalue": lambda k: k.optimizers.SGD(0.1, clipvalue=0.5),
    "sgd_global_clipnorm": lambda k: k.optimizers.SGD(0.1, global_clipnorm=1.5),
    "sgd_weight_decay": lambda k: k.optimizers.SGD(0.1, weight_decay=0.05),
    "sgd_loss_scale": lambda k: k.optimizers.SGD(0.1, loss_scale_factor=4.0),
    "sgd_accumulate": lambda k: k.optimizers.SGD(0.1, momentum=0.5,
                                                 gradient_accumulation_steps=2),
    "adam": lambda k: k.optimizers.Adam(),
    "adam_amsgrad": lambda k: k.optimizers.Adam(0.01, amsgrad=True),
    "adam_weight_decay": lambda k: k.optimizers.Adam(0.01, weight_decay=0.1),
    "adam_clipnorm": lambda k: k.optimizers.Adam(0.01, clipnorm=0.5),
    "adam_schedule": lambda k: k.optimizers.Adam(_schedule(k)),
    "adam_ema": lambda k: k.optimizers.Adam(0.01, use_ema=True, ema_momentum=0.9,
                                            ema_overwrite_frequency=3),
    "adam_accumulate": lambda k: k.optimizers.Adam(0.01, gradient_accumulation_steps=3),
    "adamw": lambda k: k.optimizers.AdamW(),
    "adamw_amsgrad": lambda k: k.optimizers.AdamW(0.01, weight_decay=0.05, amsgrad=True),
    "nadam": lambda k: k.optimizers.Nadam(),
    "nadam_clip": lambda k: k.optimizers.Nadam(0.01, global_clipnorm=1.0),
    "rmsprop": lambda k: k.optimizers.RMSprop(),
    "rmsprop_momentum": lambda k: k.optimizers.RMSprop(0.01, momentum=0.5),
    "rmsprop_centered": lambda k: k.optimizers.RMSprop(0.01, centered=True),
    "rmsprop_centered_momentum": lambda k: k.optimizers.RMSprop(0.01, rho=0.8, momentum=0.9,
                                                                centered=True),
    "adagrad": lambda k: k.optimizers.Adagrad(),
    "adagrad_custom": lambda k: k.optimizers.Adagrad(0.1, initial_accumulator_value=0.5,
                                                     epsilon=1e-3),
    "adadelta": lambda k: k.optimizers.Adadelta(),
    "adadelta_lr1": lambda k: k.optimizers.Adadelta(1.0, rho=0.9, clipvalue=1.0),
    "adamax": lambda k: k.optimizers.Adamax(),
    "adamax_decay": lambda k: k.optimizers.Adamax(0.01, weight_decay=0.01),
}


def assert_same_steps(ours, theirs, initial):
    """The weights moved by the same amounts (tight, so small learning rates still count)."""
    for i, (a, b, p) in enumerate(zip(ours, theirs, initial)):
        np.testing.assert_allclose(a.astype("float64") - p, b.astype("float64") - p,
                                   rtol=1e-4, atol=1e-7, err_msg=f"weight {i}")


@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_keras(case):
    params, grads = _data()
    ours = run_neurx(CASES[case](NX), params, grads)
    theirs = run_keras(CASES[case](keras), params, grads)
    assert_same_steps(ours[0], theirs[0], params)   # the weights
    assert_same(ours[1], theirs[1])   # optimizer variables, in Keras's order


@pytest.mark.parametrize("case", sorted(CASES))
def test_config_matches_keras(case):
    ours, theirs = CASES[case](NX).get_config(), CASES[case](keras).get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    again = type(CASES[case](NX)).from_config(CASES[case](NX).get_config())
    assert again.get_config() == {**ours, "name": again.name}


def test_keras_config_dict_loads():
    keras_dict = keras.optimizers.serialize(keras.optimizers.Adam(_schedule(keras), amsgrad=True))
    opt = optimizers.get(keras_dict)
    assert isinstance(opt, optimizers.Adam) and opt.amsgrad
    assert float(opt.learning_rate) == pytest.approx(0.05)
    assert optimizers.serialize(opt)["config"]["learning_rate"] == keras_dict["config"][
        "learning_rate"]


def test_exclude_from_weight_decay_eager():
    params, grads = _data()
    k_opt = keras.optimizers.AdamW(0.01, weight_decay=0.5)
    k_opt.exclude_from_weight_decay(var_names=["bias"])
    theirs = run_keras(k_opt, params, grads)
    opt = optimizers.AdamW(0.01, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    variables = [Variable(params[0], name="kernel"), Variable(params[1], name="bias")]
    for g in grads:
        opt.apply_gradients(zip(g, variables))
    assert_same([v.numpy() for v in variables], theirs[0])
    assert_same([np.asarray(v) for v in opt.variables], theirs[1])
    assert opt.iterations == STEPS


def test_keras2_decay_follows_formula():
    legacy.reset()
    params, grads = _data()
    with pytest.warns(LegacyArgumentWarning):
        opt = optimizers.SGD(learning_rate=0.1, decay=0.5)
    ours, _ = run_neurx(opt, params, grads)
    expected = [p.copy() for p in params]
    for t, g in enumerate(grads):
        lr = np.float32(0.1) / (1 + np.float32(0.5) * t)
        expected = [p - lr * gi for p, gi in zip(expected, g)]
    assert_same(ours, expected)
    assert opt.get_config()["decay"] == 0.5
    assert optimizers.SGD.from_config(opt.get_config()).decay == 0.5


def test_lr_keyword_warns_once():
    legacy.reset()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        a = optimizers.SGD(lr=0.5)
        b = optimizers.Adam(lr=0.25)
    legacy_warnings = [w for w in caught if issubclass(w.category, LegacyArgumentWarning)]
    assert len(legacy_warnings) == 1
    assert "`lr` is deprecated, use `learning_rate`" in str(legacy_warnings[0].message)
    assert legacy_warnings[0].filename == __file__
    assert float(a.learning_rate) == 0.5 and float(b.learning_rate) == 0.25


def test_lr_attribute_alias_and_set_value():
    legacy.reset()
    opt = optimizers.SGD(0.1)
    with pytest.warns(LegacyArgumentWarning, match="optimizer.learning_rate"):
        lr = opt.lr
    lr.assign(0.3)                      # what keras.backend.set_value(opt.lr, 0.3) does
    assert float(opt.learning_rate) == pytest.approx(0.3)
    opt.lr = 0.4
    assert opt.learning_rate == 0.4 and opt.get_config()["learning_rate"] == pytest.approx(0.4)


def test_setting_learning_rate_between_jitted_steps():
    traces = []

    def step(grads, state, params):
        traces.append(1)
        return opt.update(grads, state, params)

    opt = optimizers.SGD(0.1)
    params = [jnp.ones(2)]
    grads = [jnp.ones(2)]
    opt.state = opt.init(params)
    jitted = jax.jit(step)
    updates, opt.state = jitted(grads, opt.state, params)
    np.testing.assert_allclose(updates[0], -0.1)
    opt.learning_rate = 0.01            # e.g. a callback between chunks
    updates, opt.state = jitted(grads, opt.state, params)
    np.testing.assert_allclose(updates[0], -0.01)
    opt.learning_rate.assign(0.5)
    updates, opt.state = jitted(grads, opt.state, params)
    np.testing.assert_allclose(updates[0], -0.5)
    assert len(traces) == 1 and opt.iterations == 3
    assert float(opt.learning_rate) == 0.5


def test_learning_rate_before_init_and_with_schedule():
    opt = optimizers.Adam()
    assert float(opt.learning_rate) == pytest.approx(0.001) and opt.iterations == 0
    opt.learning_rate = 0.02
    opt.init([jnp.zeros(3)])
    assert float(opt.state.learning_rate) == pytest.approx(0.02)

    sched = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(sched)
    params = [jnp.ones(2)]
    opt.init(params)
    for _ in range(2):
        updates, opt.state = opt.update([jnp.ones(2)], opt.state, params)
    np.testing.assert_allclose(updates[0], -0.05, rtol=1e-6)
    assert float(opt.learning_rate) == pytest.approx(0.025)
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate.assign(0.1)
    assert len(opt.variables) == 1        # no learning_rate variable with a schedule


def test_errors_name_the_fix():
    with pytest.raises(TypeError, match="Did you mean 'momentum'"):
        optimizers.SGD(momentun=0.9)
    with pytest.raises(TypeError, match="Did you mean 'global_clipnorm'"):
        optimizers.Adam(global_clipnom=1.0)
    with pytest.raises(ValueError, match=r"Unknown optimizer: 'adma'\. Did you mean 'adam'\?"):
        optimizers.get("adma")
    with pytest.raises(ValueError, match="Only one of `clipnorm`"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


def test_get_accepts_names_dicts_and_instances():
    for name in ("sgd", "adam", "adamw", "nadam", "rmsprop", "adagrad", "adadelta", "adamax"):
        assert type(optimizers.get(name)).__name__.lower() == name
    assert isinstance(optimizers.get("RMSprop"), optimizers.RMSprop)
    assert isinstance(optimizers.get("ADAM"), optimizers.Adam)
    opt = optimizers.Nadam()
    assert optimizers.get(opt) is opt and optimizers.get(None) is None
    rebuilt = optimizers.get(optimizers.serialize(optimizers.SGD(0.3, momentum=0.5)))
    assert rebuilt.momentum == 0.5 and float(rebuilt.learning_rate) == pytest.approx(0.3)


def test_variables_round_trip_and_unbuilt_defaults():
    opt = optimizers.Adam(amsgrad=True)
    assert [np.shape(v) for v in opt.variables] == [(), ()]
    params, grads = _data(steps=2)
    run_neurx(opt, params, grads)
    opt.state = opt.init([jnp.asarray(p) for p in params])
    values = [np.full(np.shape(v), i, np.asarray(v).dtype) for i, v in enumerate(opt.variables)]
    opt.set_weights(values)
    assert opt.iterations == 0 and float(opt.learning_rate) == 1.0
    assert_same(opt.get_weights(), values)
    store = {}
    opt.save_own_variables(store)
    fresh = optimizers.Adam(amsgrad=True)
    fresh.init([jnp.asarray(p) for p in params])
    fresh.load_own_variables(store)
    assert_same(fresh.get_weights(), values)


def test_pytrees_and_stateless_apply():
    opt = optimizers.RMSprop(0.1, momentum=0.5)
    params = {"w": jnp.ones((2, 2)), "b": jnp.zeros(2)}
    state = opt.init(params)
    updates, state = opt.update(jax.tree.map(jnp.ones_like, params), state, params)
    assert jax.tree.structure(updates) == jax.tree.structure(params)
    built = optimizers.SGD(0.5)
    variables = [Variable(np.ones(2, "float32"), name="w")]
    built.build(variables)
    new_params, new_vars = built.stateless_apply(built.variables, [jnp.ones(2)], variables)
    np.testing.assert_allclose(new_params[0], 0.5)
    assert int(new_vars[0]) == 1 and float(variables[0].numpy()[0]) == 1.0


def test_ema_finalize_gives_averages():
    opt = optimizers.SGD(0.1, use_ema=True)
    variables = [Variable(np.ones(2, "float32"), name="w")]
    opt.apply_gradients([(jnp.ones(2), variables[0])])
    opt.apply_gradients([(jnp.ones(2), variables[0])])
    averages = opt.finalize_variable_values(variables)
    np.testing.assert_allclose(variables[0].numpy(), averages[0])
    np.testing.assert_allclose(averages[0], 0.99 * 0.9 + 0.01 * 0.8, rtol=1e-6)


def test_iterations_and_learning_rate_are_variables_the_trainer_reads():
    import neurx
    x = np.random.RandomState(0).rand(64, 3).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    schedule = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    model = neurx.Sequential([neurx.Input(shape=(3,)), neurx.layers.Dense(1)])
    model.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=schedule))
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    iterations = model.optimizer.iterations
    reference = keras.optimizers.SGD().iterations      # Keras 3's: an int64 variable
    assert iterations.numpy().dtype == reference.numpy().dtype
    assert iterations.numpy() == 2 and int(iterations) == 2 and iterations == 2
    assert f"{iterations:d}" == "2" and "iteration" in repr(iterations)
    assert neurx.backend.get_value(iterations) == 2
    neurx.backend.set_value(iterations, 20)             # the schedule reads the new count
    assert model.optimizer.iterations == 20
    assert float(model.optimizer.learning_rate) == pytest.approx(0.1 * 0.5 ** 2)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    assert model.optimizer.iterations == 22 and iterations.numpy() == 22
    iterations.assign_add(1)
    assert range(5)[:iterations].stop == 5 and list(range(iterations))[-1] == 22

    constant = neurx.Sequential([neurx.Input(shape=(3,)), neurx.layers.Dense(1)])
    constant.compile(loss="mse", optimizer=optimizers.SGD(learning_rate=0.1))
    constant.fit(x, y, epochs=1, verbose=0)
    legacy.reset()
    with pytest.warns(LegacyArgumentWarning, match="optimizer.learning_rate"):
        neurx.backend.set_value(constant.optimizer.lr, 0.0)   # the trainer trains with it
    assert neurx.backend.get_value(constant.optimizer.learning_rate) == 0.0
    before = constant.get_weights()
    constant.fit(x, y, epochs=1, verbose=0)
    for old, new in zip(before, constant.get_weights()):
        np.testing.assert_array_equal(old, new)
    assert constant.optimizer.iterations == 4
