"""Data larger than the staging budget (a NumPy memmap) is streamed chunk by chunk, and
shuffled as data on the device is."""
import subprocess
import sys
import textwrap

import numpy as np

import neurx as keras


def test_memmap_fit_matches_in_memory_fit(tmp_path):
    rs = np.random.RandomState(0)
    x = rs.normal(size=(300, 8)).astype("float32")
    y = rs.normal(size=(300, 1)).astype("float32")
    xm = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+", dtype="float32", shape=x.shape)
    xm[:] = x
    results = []
    for data, budget in ((x, None), (xm, 4096)):
        keras.utils.set_random_seed(3)
        if budget:
            keras.config.set_staging_budget(budget)
        model = keras.Sequential([keras.layers.Dense(4, input_shape=(8,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.fit(data, y, batch_size=32, epochs=2, verbose=0)   # shuffled alike
        results.append((model.get_weights(), model.evaluate(data, y, verbose=0),
                        model.predict(data, verbose=0)))
    keras.config.set_staging_budget(2 * 1024 ** 3)
    for a, b in zip(results[0][0], results[1][0]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-5, atol=1e-6)


def _peak_growth_mb(path, rows):
    script = textwrap.dedent(f"""
        import resource, numpy as np
        import neurx as keras
        rows, features = {rows}, 256
        x = np.lib.format.open_memmap({str(path)!r}, mode="w+", dtype="float32", shape=(rows, features))
        for start in range(0, rows, 20_000):
            x[start:start + 20_000] = np.random.rand(min(20_000, rows - start), features)
        x.flush(); del x
        x = np.load({str(path)!r}, mmap_mode="r")
        y = np.zeros((rows, 1), "float32")
        keras.config.set_staging_budget(16 * 1024 ** 2)
        model = keras.Sequential([keras.layers.Dense(8, input_shape=(features,)), keras.layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        model.fit(x, y, batch_size=256, epochs=1, verbose=0)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print((after - before) // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return int(out.stdout.strip().splitlines()[-1])


def test_memmap_many_times_the_budget_keeps_peak_memory_bounded(tmp_path):
    """200 MB of memmapped data against a 16 MB budget: peak memory must not grow with the
    data. The baseline run (20 MB) measures what compiling and running costs by itself."""
    small = _peak_growth_mb(tmp_path / "small.npy", 20_000)
    large = _peak_growth_mb(tmp_path / "large.npy", 200_000)
    # 180 MB more data may cost allocator slack, never the data itself.
    assert large - small < 90, f"peak RSS: {small} MB for 20 MB of data, {large} MB for 200 MB"
