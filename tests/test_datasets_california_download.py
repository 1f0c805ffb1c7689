"""neurx.datasets.california_housing's download path, which goes through `get_file`."""
import numpy as np
import pytest
from dataset_fakes import serve, write_npz

from neurx.datasets import california_housing
from neurx.support import file_utils


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "neurx"


def test_california_downloads_through_get_file(home, tmp_path, monkeypatch, capsys):
    """The California loader's download is get_file's: served, verified, atomic."""
    www = tmp_path / "www"
    rng = np.random.RandomState(0)
    x = np.abs(rng.uniform(1, 100, (30, 8)))
    write_npz(str(www / "california_housing.npz"), x=x, y=rng.uniform(1e4, 5e5, 30))
    digest = file_utils.hash_file(str(www / "california_housing.npz"))
    monkeypatch.setattr(california_housing, "FILE_HASH", digest)
    with serve(www) as url:
        monkeypatch.setattr(california_housing, "ORIGIN", url + "california_housing.npz")
        (x_train, _), (x_test, _) = california_housing.load_data(test_split=0.2)
    assert len(x_train) == 24 and len(x_test) == 6
    assert (home / "datasets" / "california_housing.npz").is_file()
    assert "Downloading data from" in capsys.readouterr().out
    # A download with another hash is refused, nothing is saved, and the embedded copy is used.
    (home / "datasets" / "california_housing.npz").unlink()
    monkeypatch.setattr(california_housing, "FILE_HASH", "0" * 64)
    with serve(www) as url:
        monkeypatch.setattr(california_housing, "ORIGIN", url + "california_housing.npz")
        with pytest.warns(UserWarning, match="corrupted.*embedded"):
            (x_train, _), _ = california_housing.load_data()
    assert len(x_train) == 16512
    assert list((home / "datasets").iterdir()) == []


def test_california_offline_falls_back_with_the_file_and_folder_named(home, monkeypatch):
    def offline(url, timeout=None):
        raise file_utils.urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "_urlopen", offline)
    with pytest.warns(UserWarning, match=r"california_housing\.npz.*save it as .*neurx/datasets"):
        (x_train, _), _ = california_housing.load_data()
    assert x_train.shape == (16512, 8)
