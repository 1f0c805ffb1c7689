"""`neurx info` and `neurx datasets list|download|path`."""
import jax
import numpy as np
import optax
import pytest
from dataset_fakes import pin_hash, serve, write_idx_pair, write_npz

import neurx
from neurx.cli import main
from neurx.support import file_utils


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(url, timeout=None):
        raise file_utils.urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "_urlopen", offline)
    return tmp_path


def _boston(folder):
    rng = np.random.RandomState(0)
    return write_npz(str(folder / "boston_housing.npz"), x=rng.rand(10, 13), y=rng.rand(10))


def test_info_reports_versions_devices_and_cache(home, capsys):
    _boston(home / "neurx" / "datasets")
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"neurx {neurx.__version__}\n")
    assert f"jax {jax.__version__}" in out and f"optax {optax.__version__}" in out
    assert f"numpy {np.__version__}" in out and "Python 3." in out
    assert f"JAX devices ({jax.default_backend()}, {len(jax.devices())})" in out
    assert f"dataset cache: {home / 'neurx' / 'datasets'}" in out
    assert f"NEURX_HOME={home / 'neurx'}" in out and str(home / "keras" / "datasets") in out
    assert "cached datasets: boston_housing (" in out


def test_datasets_list_shows_what_is_cached_and_where(home, capsys):
    _boston(home / "neurx" / "datasets")
    write_npz(str(home / "keras" / "datasets" / "mnist.npz"), x_train=np.zeros((1, 28, 28)))
    write_idx_pair(home / "neurx" / "datasets" / "fashion-mnist", "t10k", np.zeros((1, 28, 28)),
                   np.zeros(1))
    assert main(["datasets", "list"]) == 0
    rows = {line.split()[0]: line for line in capsys.readouterr().out.splitlines()}
    assert set(rows) == {"mnist", "fashion_mnist", "cifar10", "cifar100", "imdb", "reuters",
                         "boston_housing", "california_housing"}
    assert rows["boston_housing"].split()[1:3] == ["cached", "boston_housing.npz"]
    assert "cached (in Keras's cache)" in rows["mnist"]
    assert "partly cached (2/4 files)" in rows["fashion_mnist"]
    assert "not cached" in rows["imdb"] and "imdb.npz, imdb_word_index.json" in rows["imdb"]


def test_datasets_path(home, capsys):
    assert main(["datasets", "path"]) == 0
    assert capsys.readouterr().out.strip() == str(home / "neurx" / "datasets")
    assert main(["datasets", "path", "cifar10"]) == 0
    archive = home / "neurx" / "datasets" / "cifar-10-batches-py-target_archive"
    assert capsys.readouterr().out.strip() == f"{archive}  (not downloaded yet)"
    _boston(home / "keras" / "datasets")
    assert main(["datasets", "path", "boston_housing"]) == 0
    assert capsys.readouterr().out.strip() == str(home / "keras" / "datasets" /
                                                  "boston_housing.npz")
    assert main(["datasets", "path", "nosuch"]) == 2


def test_datasets_download_goes_through_get_file(home, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(file_utils, "_urlopen", file_utils.urllib.request.urlopen)
    www = tmp_path / "www"
    arrays = _boston(www)
    with serve(www) as url:
        pin_hash(monkeypatch, "boston_housing", "boston_housing.npz",
                 www / "boston_housing.npz", origin=url + "boston_housing.npz")
        assert main(["datasets", "download", "boston_housing"]) == 0
    target = home / "neurx" / "datasets" / "boston_housing.npz"
    out = capsys.readouterr().out
    assert f"Downloading data from {url}boston_housing.npz" in out
    assert f"boston_housing: {target}" in out
    (x_train, _), (x_test, _) = neurx.datasets.boston_housing.load_data()  # now offline
    assert len(x_train) + len(x_test) == len(arrays["x"])


def test_datasets_download_offline_explains_where_to_put_the_file(home, capsys):
    assert main(["datasets", "download", "reuters"]) == 1
    err = capsys.readouterr().err
    folder = home / "neurx" / "datasets"
    assert "'reuters.npz'" in err and "tf-keras-datasets/reuters.npz" in err
    assert f"save it as {folder / 'reuters.npz'}" in err


@pytest.mark.parametrize("argv, words", [
    (["info", "--help"], "JAX devices"),
    (["datasets", "--help"], "list"),
    (["datasets", "list", "--help"], "whether its files are"),
    (["datasets", "download", "--help"], "verifies their hashes"),
    (["datasets", "path", "--help"], "cache folder"),
    (["--help"], "datasets"),
])
def test_help(argv, words, capsys):
    assert main(argv) == 0
    assert words in capsys.readouterr().out


def test_usage_errors(capsys):
    assert main(["datasets"]) == 2
    assert main(["datasets", "download"]) == 2
    assert main(["datasets", "download", "nosuch"]) == 2
    assert "invalid choice" in capsys.readouterr().err
