"""neurx.utils.get_file: cache, Keras-cache reuse, hashes, atomic downloads, offline errors."""
import hashlib
import io
import os
import tarfile
import zipfile

import pytest
from dataset_fakes import serve

from neurx.support import file_utils
from neurx.utils import get_file

PAYLOAD = b"neurx " * 5000  # 30 kB: several chunks
PAYLOAD_LENGTH = len(PAYLOAD)
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("NEURX_HOME", str(tmp_path / "neurx"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path


@pytest.fixture
def server(tmp_path):
    """Serves tmp_path/www: data.bin (PAYLOAD) and whatever a test adds."""
    www = tmp_path / "www"
    www.mkdir()
    (www / "data.bin").write_bytes(PAYLOAD)
    with serve(www) as url:
        yield www, url


class _Response:
    """A stand-in for urlopen's response: `parts` are returned by read(); an exception
    instance among them is raised when reached."""

    def __init__(self, parts, length):
        self.parts, self.headers = list(parts), {"Content-Length": str(length)}

    def read(self, n=-1):
        if not self.parts:
            return b""
        part = self.parts.pop(0)
        if isinstance(part, BaseException):
            raise part
        return part

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _opener(parts, length=PAYLOAD_LENGTH, calls=None):
    def urlopen(url, timeout=None):
        if calls is not None:
            calls.append(url)
        return _Response(parts, length)
    return urlopen


def _offline(url, timeout=None):
    raise file_utils.urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))


def _read(path):
    with open(path, "rb") as f:
        return f.read()


def _leftovers(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".part"))


def test_served_download_is_cached_verified_and_reused(homes, server, capsys):
    _, url = server
    path = get_file("data.bin", origin=url + "data.bin", file_hash=SHA256)
    assert path == str(homes / "neurx" / "datasets" / "data.bin")
    assert _read(path) == PAYLOAD
    out = capsys.readouterr().out
    assert f"Downloading data from {url}data.bin" in out
    assert f"{len(PAYLOAD)}/{len(PAYLOAD)} [" in out  # the progress bar's final line
    assert _leftovers(os.path.dirname(path)) == []
    # Cached: the second call does not touch the network.
    (homes / "www" / "data.bin").unlink()
    assert get_file("data.bin", origin=url + "data.bin", file_hash=SHA256) == path
    assert "Downloading" not in capsys.readouterr().out


def test_name_from_origin_md5_cache_dir_and_subdir(tmp_path, server):
    _, url = server
    path = get_file(origin=url + "data.bin", md5_hash=MD5, cache_dir=tmp_path / "c",
                    cache_subdir="sub")
    assert path == str(tmp_path / "c" / "sub" / "data.bin")
    path = get_file(origin=url + "data.bin", file_hash=MD5, hash_algorithm="md5",
                    cache_subdir=str(tmp_path / "abs"))
    assert path == str(tmp_path / "abs" / "data.bin")


def test_bad_arguments_are_explained(homes):
    with pytest.raises(ValueError, match="origin"):
        get_file("x.bin")
    with pytest.raises(ValueError, match="Paths are no longer accepted.*fname=a/b.bin"):
        get_file("a/b.bin", origin="http://127.0.0.1:9/a.bin")
    with pytest.raises(ValueError, match="file name from the origin"):
        get_file(origin="http://127.0.0.1:9/")
    with pytest.raises(ValueError, match="hash_algorithm='sha1'"):
        get_file("x.bin", origin="http://127.0.0.1:9/x.bin", hash_algorithm="sha1")


def test_offline_error_names_file_url_and_folder(homes, monkeypatch):
    monkeypatch.setattr(file_utils, "_urlopen", _offline)
    url = "https://example.invalid/files/data.bin"
    folder = homes / "neurx" / "datasets"
    with pytest.raises(OSError) as info:
        get_file("data.bin", origin=url, file_hash=SHA256)
    message = str(info.value)
    assert "'data.bin'" in message and url in message
    assert f"save it as {folder / 'data.bin'}" in message and f"folder {folder}" in message
    assert "name resolution" in message
    assert os.listdir(folder) == []


def test_keras_cache_copy_is_reused_only_when_valid(homes, monkeypatch, capsys):
    keras_dir = homes / "keras" / "datasets"
    keras_dir.mkdir(parents=True)
    (keras_dir / "data.bin").write_bytes(PAYLOAD)
    monkeypatch.setattr(file_utils, "_urlopen", _offline)
    assert get_file("data.bin", origin="http://x.invalid/data.bin",
                    file_hash=SHA256) == str(keras_dir / "data.bin")
    # Not with an explicit cache_dir (then only that folder is the cache).
    with pytest.raises(OSError, match="Could not download"):
        get_file("data.bin", origin="http://x.invalid/data.bin", file_hash=SHA256,
                 cache_dir=homes / "elsewhere")
    # A Keras copy with another hash is refused, and the download is attempted into neurx's.
    (keras_dir / "data.bin").write_bytes(PAYLOAD + b"!")
    calls = []
    monkeypatch.setattr(file_utils, "_urlopen", _opener([PAYLOAD], calls=calls))
    path = get_file("data.bin", origin="http://x.invalid/data.bin", file_hash=SHA256)
    assert calls and path == str(homes / "neurx" / "datasets" / "data.bin")
    assert "does not match" in capsys.readouterr().out


def test_tampered_cached_file_is_refused_then_downloaded_again(homes, server, capsys):
    _, url = server
    path = get_file("data.bin", origin=url + "data.bin", file_hash=SHA256)
    with open(path, "r+b") as f:
        f.write(b"X")  # tampered
    assert get_file("data.bin", origin=url + "data.bin", file_hash=SHA256) == path
    assert _read(path) == PAYLOAD
    assert "was not used: its hash does not match" in capsys.readouterr().out


def test_tampered_cached_file_offline_is_refused_with_a_clear_error(homes, monkeypatch):
    folder = homes / "neurx" / "datasets"
    folder.mkdir(parents=True)
    (folder / "data.bin").write_bytes(b"tampered")
    monkeypatch.setattr(file_utils, "_urlopen", _offline)
    with pytest.raises(OSError, match=r"local copy .*data\.bin was not used: its hash does not "
                                      r"match the expected sha256"):
        get_file("data.bin", origin="http://x.invalid/data.bin", file_hash=SHA256)


def test_tampered_download_is_refused_and_not_saved(homes, server):
    www, url = server
    (www / "evil.bin").write_bytes(PAYLOAD.replace(b"neurx", b"evil!"))
    with pytest.raises(ValueError, match="Incomplete or corrupted file detected.*sha256.*"
                                         f"expected {SHA256}"):
        get_file("data.bin", origin=url + "evil.bin", file_hash=SHA256)
    folder = homes / "neurx" / "datasets"
    assert os.listdir(folder) == []


@pytest.mark.parametrize("failure", [ConnectionResetError(104, "Connection reset by peer"),
                                     KeyboardInterrupt()])
def test_interrupted_download_leaves_no_file(homes, monkeypatch, failure):
    half = len(PAYLOAD) // 2
    monkeypatch.setattr(file_utils, "_urlopen", _opener([PAYLOAD[:half], failure]))
    expected = OSError if isinstance(failure, OSError) else KeyboardInterrupt
    with pytest.raises(expected):
        get_file("data.bin", origin="http://x.invalid/data.bin", file_hash=SHA256)
    folder = homes / "neurx" / "datasets"
    assert os.listdir(folder) == []  # neither data.bin nor a .part file
    # Without a hash, a connection that ends early is caught by the announced length.
    monkeypatch.setattr(file_utils, "_urlopen", _opener([PAYLOAD[:half]]))
    with pytest.raises(OSError, match=f"ended after {half} of {len(PAYLOAD)} bytes"):
        get_file("data.bin", origin="http://x.invalid/data.bin")
    assert os.listdir(folder) == []


def test_a_leftover_part_file_is_never_loaded(homes, monkeypatch):
    folder = homes / "neurx" / "datasets"
    folder.mkdir(parents=True)
    (folder / ".data.bin.abc123.part").write_bytes(PAYLOAD[:100])  # a killed download
    calls = []
    monkeypatch.setattr(file_utils, "_urlopen", _opener([PAYLOAD], calls=calls))
    path = get_file("data.bin", origin="http://x.invalid/data.bin", file_hash=SHA256)
    assert calls and _read(path) == PAYLOAD


def test_force_download(homes, monkeypatch):
    calls = []
    monkeypatch.setattr(file_utils, "_urlopen", _opener([PAYLOAD], calls=calls))
    get_file("data.bin", origin="http://x.invalid/data.bin")
    monkeypatch.setattr(file_utils, "_urlopen", _opener([b"new"], length=3, calls=calls))
    path = get_file("data.bin", origin="http://x.invalid/data.bin", force_download=True)
    assert len(calls) == 2 and _read(path) == b"new"


def _tar_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def test_extract_tar_and_zip_as_keras_names_them(homes, server):
    www, url = server
    (www / "pack.tar.gz").write_bytes(_tar_bytes({"inner/a.txt": b"a"}))
    with zipfile.ZipFile(www / "pack.zip", "w") as z:
        z.writestr("b.txt", "b")
    folder = homes / "neurx" / "datasets"
    # fname without an extension: the archive is `<fname>_archive`, extracted into `<fname>`.
    path = get_file("pack", origin=url + "pack.tar.gz", extract=True)
    assert path == str(folder / "pack") and (folder / "pack_archive").is_file()
    assert (folder / "pack" / "inner" / "a.txt").read_bytes() == b"a"
    # fname with an extension: kept as is, extracted into `<stem>_extracted`.
    path = get_file("pack.zip", origin=url + "pack.zip", extract=True)
    assert path == str(folder / "pack_extracted")
    assert (folder / "pack_extracted" / "b.txt").read_bytes() == b"b"
    # untar=True (deprecated) is extract=True with the tar format.
    assert get_file("other", origin=url + "pack.tar.gz", untar=True) == str(folder / "other")
    # Extracted once: a removed file is not restored on the next call (no new download).
    (folder / "pack" / "inner" / "a.txt").unlink()
    get_file("pack", origin=url + "pack.tar.gz", extract=True)
    assert not (folder / "pack" / "inner" / "a.txt").exists()
    assert [n for n in os.listdir(folder) if n.startswith(".")] == []


def test_keras_cached_archive_is_extracted_into_neurx_cache(homes, monkeypatch):
    keras_dir = homes / "keras" / "datasets"
    keras_dir.mkdir(parents=True)
    archive = _tar_bytes({"inner/a.txt": b"a"})
    (keras_dir / "pack_archive").write_bytes(archive)
    monkeypatch.setattr(file_utils, "_urlopen", _offline)
    path = get_file("pack", origin="http://x.invalid/pack.tar.gz", extract=True,
                    file_hash=hashlib.sha256(archive).hexdigest())
    assert path == str(homes / "neurx" / "datasets" / "pack")
    assert (homes / "neurx" / "datasets" / "pack" / "inner" / "a.txt").read_bytes() == b"a"
    assert sorted(os.listdir(keras_dir)) == ["pack_archive"]  # Keras's folder is left as is


def test_http_errors_are_reported_with_their_status(homes, server):
    _, url = server
    with pytest.raises(OSError, match=r"'missing.bin' from .*missing.bin \(HTTPError: HTTP Error "
                                      r"404: File not found\)"):
        get_file("missing.bin", origin=url + "missing.bin")


def test_archives_escaping_the_folder_are_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    evil.write_bytes(_tar_bytes({"../outside.txt": b"x"}))
    with pytest.raises(ValueError, match=r"outside the destination.*\.\./outside\.txt"):
        file_utils.extract_archive(evil, tmp_path / "out")
    assert not (tmp_path / "outside.txt").exists()
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as z:
        z.writestr("/abs/path.txt", "x")
        z.writestr("../up.txt", "x")
    with pytest.raises(ValueError, match="up.txt"):
        file_utils.extract_archive(tmp_path / "evil.zip", tmp_path / "out2")
    assert file_utils.extract_archive(tmp_path / "evil.zip", tmp_path / "out3", None) is False
    with pytest.raises(ValueError, match="archive_format='rar'"):
        file_utils.extract_archive(tmp_path / "evil.zip", tmp_path / "out4", "rar")


def test_not_an_archive_warns_like_keras(homes, server):
    _, url = server
    with pytest.warns(UserWarning, match="Could not extract archive"):
        get_file("data", origin=url + "data.bin", extract=True)


def test_hash_helpers():
    path = os.path.join(os.path.dirname(__file__), "dataset_fakes.py")
    content = _read(path)
    assert file_utils.hash_file(path) == hashlib.sha256(content).hexdigest()
    assert file_utils.hash_file(path, "md5") == hashlib.md5(content).hexdigest()
    assert file_utils.validate_file(path, hashlib.md5(content).hexdigest())
    assert file_utils.validate_file(path, hashlib.sha256(content).hexdigest(), "sha256")
    assert not file_utils.validate_file(path, hashlib.md5(content).hexdigest(), "sha256")
