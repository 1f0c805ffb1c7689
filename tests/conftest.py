import os

os.environ.setdefault("KERAS_BACKEND", "jax")
# Compiling is most of the suite's time: tests compile thousands of small programs that run for
# milliseconds. LLVM's optimisation passes (-O0: about 15% less) and XLA:CPU's fusion emitters
# (off: about 25% less on the in-process tests; a one-op program compiles in 40 ms, not 60 ms)
# are left out; the tests pass the same either way.
os.environ.setdefault("XLA_FLAGS", "--xla_force_host_platform_device_count=1 "
                                   "--xla_backend_optimization_level=0 "
                                   "--xla_cpu_use_fusion_emitters=false")

import numpy as np
import pytest

import neurx
from neurx import legacy
from neurx.saving import object_registry
from neurx.training import shared_programs

# Scripts the tests run in subprocesses, not test modules: importing them (as --doctest-modules
# would) runs them here (tf_keras_side.py imports TensorFlow; reader_scripts/ are readers' scripts
# meant for the tensorflow alias).
collect_ignore = ["tf_keras_side.py", "reader_scripts"]


@pytest.fixture(autouse=True)
def fresh_session():
    """Each test starts with fresh automatic names and a fixed seed, as a new notebook would.
    Programs compiled by earlier tests stay shared (they compute exactly what a fresh compile
    would); a test that counts traces asks for `fresh_programs`.

    Classes a test registers (a guide page's `@register_keras_serializable` in `__main__`) are
    forgotten afterwards, so a later test's load does not find them by their short name.
    """
    neurx.backend.clear_session()
    neurx.rng.set_seed(42)
    legacy.reset()
    registered = dict(object_registry._GLOBAL_CUSTOM_OBJECTS)
    names = dict(object_registry._GLOBAL_CUSTOM_NAMES)
    yield
    object_registry._GLOBAL_CUSTOM_OBJECTS.clear()
    object_registry._GLOBAL_CUSTOM_OBJECTS.update(registered)
    object_registry._GLOBAL_CUSTOM_NAMES.clear()
    object_registry._GLOBAL_CUSTOM_NAMES.update(names)


@pytest.fixture
def fresh_programs():
    """No compiled programs shared from earlier tests: the test's trace counts are its own."""
    shared_programs.clear()


@pytest.fixture
def housing_like():
    """Synthetic regression data of the notes' California housing shapes (8 features)."""
    rs = np.random.RandomState(0)
    x = rs.normal(size=(600, 8)).astype("float32")
    w = rs.normal(size=(8,)).astype("float32")
    y = (x @ w + 0.1 * rs.normal(size=600)).astype("float32")
    return x[:400], y[:400], x[400:500], y[400:500], x[500:], y[500:]


@pytest.fixture
def fashion_like():
    """Synthetic images of Fashion-MNIST's shapes: 28x28 in [0, 1], 10 classes (learnable)."""
    rs = np.random.RandomState(1)
    y = rs.randint(0, 10, size=512)
    centers = rs.uniform(size=(10, 28, 28)).astype("float32")
    x = np.clip(centers[y] + 0.2 * rs.normal(size=(512, 28, 28)), 0, 1).astype("float32")
    return x, y
