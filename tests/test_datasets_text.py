"""imdb and reuters on small npz/json files in the published formats, against the real Keras."""
import io
import pickle
import urllib.request

import numpy as np
import pytest
from dataset_fakes import keras_reads, pin_hash, py2_pickle, ragged, serve, write_json, write_npz

import neurx as keras_like
from neurx.datasets import imdb, reuters, safe_pickle
from neurx.support import file_utils

OPTIONS = [
    {},
    {"num_words": 12, "skip_top": 2},
    {"maxlen": 8, "seed": 7},
    {"num_words": 15, "oov_char": None},
    {"start_char": None, "index_from": 0},
    {"start_char": None, "index_from": 5, "skip_top": 4, "oov_char": 9},
    {"num_words": 10, "skip_top": 3, "maxlen": 10, "start_char": 2, "oov_char": 1,
     "index_from": 1, "seed": 0},
]


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))

    def offline(url, timeout=None):
        raise file_utils.urllib.error.URLError("no network in this test")

    monkeypatch.setattr(file_utils, "_urlopen", offline)
    return tmp_path / "neurx"


@pytest.fixture
def fake_imdb(home, monkeypatch):
    rng = np.random.RandomState(0)
    path = home / "datasets" / "imdb.npz"
    arrays = write_npz(str(path), x_train=ragged(rng, 30, 20), y_train=rng.randint(0, 2, 30),
                       x_test=ragged(rng, 20, 20), y_test=rng.randint(0, 2, 20))
    pin_hash(monkeypatch, "imdb", "imdb.npz", path)
    index_path = home / "datasets" / "imdb_word_index.json"
    write_json(str(index_path), {"the": 1, "and": 2, "a": 3})
    pin_hash(monkeypatch, "imdb", "imdb_word_index.json", index_path)
    return arrays


@pytest.fixture
def fake_reuters(home, monkeypatch):
    rng = np.random.RandomState(1)
    path = home / "datasets" / "reuters.npz"
    arrays = write_npz(str(path), x=ragged(rng, 41, 25), y=rng.randint(0, 46, 41))
    pin_hash(monkeypatch, "reuters", "reuters.npz", path)
    index_path = home / "datasets" / "reuters_word_index.json"
    write_json(str(index_path), {"the": 1, "of": 2})
    pin_hash(monkeypatch, "reuters", "reuters_word_index.json", index_path)
    return arrays


def _same(ours, theirs):
    (ox, oy), (otx, oty) = ours
    (kx, ky), (ktx, kty) = theirs
    for a, b in ((ox, kx), (otx, ktx)):
        assert a.dtype == b.dtype == object and a.shape == b.shape
        assert [list(s) for s in a] == [list(s) for s in b]
    for a, b in ((oy, ky), (oty, kty)):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_imdb_by_hand(fake_imdb):
    (x_train, y_train), (x_test, y_test) = imdb.load_data()
    assert x_train.shape == (30,) and x_train.dtype == object and len(x_test) == 20
    perm = np.random.RandomState(113).permutation(30)  # Keras's shuffle: same draws
    first = fake_imdb["x_train"][perm[0]]
    largest = max(max(s) for s in fake_imdb["x_train"].tolist() + fake_imdb["x_test"].tolist())
    expected = [1] + [w + 3 if w + 3 < largest + 3 else 2 for w in first]
    assert x_train[0] == expected
    np.testing.assert_array_equal(y_train, fake_imdb["y_train"][perm])
    (x_train, _), _ = imdb.load_data(num_words=10, skip_top=4)
    assert all(w == 2 or 4 <= w < 10 for s in x_train for w in s)
    assert imdb.get_word_index() == {"the": 1, "and": 2, "a": 3}


def test_imdb_matches_keras(fake_imdb, home, monkeypatch):
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.imdb.load_data,
                keras.datasets.imdb.get_word_index)
    for options in OPTIONS:
        _same(imdb.load_data(**options), keras.datasets.imdb.load_data(**options))
    assert keras_like.datasets.imdb.get_word_index() == keras.datasets.imdb.get_word_index()
    with pytest.raises(ValueError, match="maxlen=2"):
        imdb.load_data(maxlen=2)


def test_imdb_unknown_keyword_is_refused(fake_imdb):
    with pytest.raises(TypeError, match="`nb_words` is now `num_words`"):
        imdb.load_data(nb_words=10)


def test_reuters_matches_keras(fake_reuters, home, monkeypatch):
    keras = pytest.importorskip("keras")
    keras_reads(monkeypatch, home, keras.datasets.reuters.load_data,
                keras.datasets.reuters.get_word_index)
    for options in OPTIONS + [{"test_split": 0.5}, {"test_split": 0.0, "maxlen": 9}]:
        _same(reuters.load_data(**options), keras.datasets.reuters.load_data(**options))
    assert reuters.get_word_index() == keras.datasets.reuters.get_word_index()
    assert reuters.get_label_names() == keras.datasets.reuters.get_label_names()


def test_reuters_split_by_hand(fake_reuters):
    (x_train, y_train), (x_test, y_test) = reuters.load_data(test_split=0.25)
    assert len(x_train) == int(41 * 0.75) == 30 and len(x_test) == 11
    perm = np.random.RandomState(113).permutation(41)
    np.testing.assert_array_equal(np.concatenate([y_train, y_test]), fake_reuters["y"][perm])
    assert len(reuters.get_label_names()) == 46
    with pytest.raises(ValueError, match="maxlen=1"):
        reuters.load_data(maxlen=1)


def test_tampered_word_index_is_refused(fake_imdb, home):
    (home / "datasets" / "imdb_word_index.json").write_text('{"the": 2}')
    with pytest.raises(OSError, match=r"imdb_word_index\.json was not used.*md5"):
        imdb.get_word_index()


def test_malicious_npz_pickle_is_refused(tmp_path):
    class Gadget:
        def __reduce__(self):
            return (print, ("pwned",))

    bad = np.empty(1, dtype=object)
    bad[0] = Gadget()
    np.savez(tmp_path / "bad.npz", x=bad)
    with pytest.raises(pickle.UnpicklingError, match="Refusing to load `builtins.print`"):
        safe_pickle.load_npz(tmp_path / "bad.npz")


def test_old_numpy_pickles_load(tmp_path):
    """Files written by NumPy 1 name `numpy.core.multiarray`; both spellings are accepted."""
    data = py2_pickle(np.array([[1, 2], [3]], dtype=object))
    old = data.replace(b"numpy._core.multiarray", b"numpy.core.multiarray")
    assert b"numpy.core.multiarray" in old
    loaded = safe_pickle.SafeUnpickler(io.BytesIO(old), encoding="bytes").load()
    assert loaded.tolist() == [[1, 2], [3]]


def test_imdb_served_download(home, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(file_utils, "_urlopen", urllib.request.urlopen)
    www = tmp_path / "www"
    rng = np.random.RandomState(5)
    write_npz(str(www / "imdb.npz"), x_train=ragged(rng, 5, 9), y_train=np.arange(5) % 2,
              x_test=ragged(rng, 4, 9), y_test=np.arange(4) % 2)
    with serve(www) as url:
        pin_hash(monkeypatch, "imdb", "imdb.npz", www / "imdb.npz", origin=url + "imdb.npz")
        (x_train, _), (x_test, _) = imdb.load_data()
    assert len(x_train) == 5 and len(x_test) == 4
    assert (home / "datasets" / "imdb.npz").is_file()
    assert f"Downloading data from {url}imdb.npz" in capsys.readouterr().out
