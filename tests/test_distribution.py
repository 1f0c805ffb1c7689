"""Data and model parallelism on simulated CPU devices, and two processes on 127.0.0.1."""
import json
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]

TRAIN = textwrap.dedent("""
    import json, os, sys
    # the suite's compile settings (conftest.py), then the device count (the last one counts)
    os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + \
        " --xla_force_host_platform_device_count={devices}"
    import numpy as np, jax
    import neurx as keras
    {setup}
    keras.utils.set_random_seed(1)
    rs = np.random.RandomState(0)
    x = rs.normal(size=(256, 8)).astype("float32"); y = rs.normal(size=(256, 1)).astype("float32")
    model = keras.Sequential([keras.layers.Dense(16, activation="relu", input_shape=(8,), name="dense"),
                              keras.layers.Dense(1, name="dense_1")])
    model.compile(optimizer="adam", loss="mse", metrics=["mae"])
    history = model.fit(x, y, batch_size=32, epochs=2, verbose=0, validation_split=0.25)
    result = {{"weights": [w.tolist() for w in model.get_weights()], "history": history.history,
              "predict": model.predict(x[:8], verbose=0).tolist(),
              "kernel_spec": str(getattr(model.layers[0].kernel.value.sharding, "spec", None))}}
    {report}
""")


def _run(devices, setup, report="print(json.dumps(result))", args=(), background=False):
    code = TRAIN.format(devices=devices, setup=textwrap.indent(setup, "").strip(), report=report)
    command = [sys.executable, "-c", code, *args]
    if background:
        return subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
    out = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=240)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _same_training(a, b):
    for wa, wb in zip(a["weights"], b["weights"]):
        np.testing.assert_allclose(wa, wb, rtol=1e-5, atol=1e-6)
    for key in a["history"]:
        np.testing.assert_allclose(a["history"][key], b["history"][key], rtol=1e-5)
    np.testing.assert_allclose(a["predict"], b["predict"], rtol=1e-5, atol=1e-6)


@pytest.fixture(scope="module")
def single():
    return _run(1, "")


def test_data_parallel_on_four_devices_equals_one_device(single):
    parallel = _run(4, "keras.distribution.set_distribution(keras.distribution.DataParallel())\n"
                       "assert len(keras.distribution.list_devices()) == 4")
    _same_training(single, parallel)
    assert parallel["kernel_spec"] == "P()"


def test_model_parallel_splits_the_dense_kernel(single):
    setup = ("mesh = keras.distribution.DeviceMesh((2, 2), ['batch', 'model'])\n"
             "layout_map = keras.distribution.LayoutMap(mesh)\n"
             "layout_map['dense/kernel'] = (None, 'model')\n"
             "layout_map['dense/bias'] = ('model',)\n"
             "keras.distribution.set_distribution(keras.distribution.ModelParallel(\n"
             "    layout_map=layout_map, batch_dim_name='batch'))")
    parallel = _run(4, setup)
    _same_training(single, parallel)
    assert parallel["kernel_spec"] == "P(None, 'model')"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow   # two fresh processes: about 25 s on 2 cores
def test_two_processes_train_one_model_like_one_process(tmp_path):
    reference = _run(2, "keras.distribution.set_distribution(keras.distribution.DataParallel())")
    port = _free_port()
    setup = ("pid = int(sys.argv[1])\n"
             "keras.distribution.initialize(coordinator_address=f'127.0.0.1:{sys.argv[2]}', "
             "num_processes=2, process_id=pid)\n"
             "assert jax.process_count() == 2 and len(jax.devices()) == 2\n"
             "keras.distribution.set_distribution(keras.distribution.DataParallel())")
    report = "open(sys.argv[3], 'w').write(json.dumps(result))"
    procs = [_run(1, setup, report, (str(pid), str(port), str(tmp_path / f"p{pid}.json")),
                  background=True) for pid in (0, 1)]
    for proc in procs:
        _, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-3000:]
    results = [json.loads((tmp_path / f"p{pid}.json").read_text()) for pid in (0, 1)]
    _same_training(results[0], results[1])
    _same_training(results[0], reference)
