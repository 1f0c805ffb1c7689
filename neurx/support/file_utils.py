"""`get_file`: a file from a URL, downloaded once into neurx's cache (`keras.utils.get_file`).

What this module owns: where cached files live (`neurx_home()`: `$NEURX_HOME`, else `~/.neurx`;
a valid copy already in Keras's cache, `$KERAS_HOME` or `~/.keras`, is reused), hashing
(`hash_file`, `validate_file`), the download (streamed into a temporary file in the destination
folder, checked against the expected hash, then renamed into place, so an interrupted or
corrupted download never leaves a file that a later call would load), the error raised when the
network is unreachable (it names the file, its URL and the path to copy it to), and archive
extraction (`extract_archive`, into a temporary folder renamed into place as well).
"""
from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from neurx.support.progbar import Progbar

__all__ = ["get_file", "hash_file", "validate_file", "extract_archive", "neurx_home",
           "keras_home"]

# The URL opener (a module attribute so tests can simulate the network) and its socket timeout.
_urlopen = urllib.request.urlopen
_TIMEOUT_S = 60.0
_CHUNK = 1 << 16


def neurx_home() -> str:
    """neurx's cache folder: `$NEURX_HOME` if set, else `~/.neurx`.

    >>> import os
    >>> neurx_home() == os.path.expanduser(os.environ.get("NEURX_HOME") or "~/.neurx")
    True
    """
    return os.path.expanduser(os.environ.get("NEURX_HOME") or os.path.join("~", ".neurx"))


def keras_home() -> str:
    """Keras's cache folder, read for copies to reuse: `$KERAS_HOME` if set, else `~/.keras`.

    >>> import os
    >>> keras_home() == os.path.expanduser(os.environ.get("KERAS_HOME") or "~/.keras")
    True
    """
    return os.path.expanduser(os.environ.get("KERAS_HOME") or os.path.join("~", ".keras"))


def _hasher(algorithm: str, file_hash: str | None = None):
    """Keras's rule: "sha256", or "auto" with a 64-digit hash, is SHA-256; anything else is MD5."""
    if algorithm == "sha256" or (algorithm == "auto" and file_hash is not None
                                 and len(file_hash) == 64):
        return hashlib.sha256()
    return hashlib.md5()


def hash_file(fpath: str, algorithm: str = "sha256", chunk_size: int = 65535) -> str:
    """The hex digest of a file (SHA-256 or MD5), read in chunks.

    Args:
        fpath: path of the file.
        algorithm: `"sha256"`, `"md5"`, or `"auto"` (SHA-256).
        chunk_size: bytes read at a time.

    Returns:
        The hash as a hex string.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.txt")
    >>> open(path, "wb").close()
    >>> hash_file(path)
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    >>> hash_file(path, algorithm="md5")
    'd41d8cd98f00b204e9800998ecf8427e'
    """
    hasher = _hasher(algorithm) if isinstance(algorithm, str) else algorithm
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath: str, file_hash: str, algorithm: str = "auto",
                  chunk_size: int = 65535) -> bool:
    """Whether a file has the expected SHA-256 or MD5 hash.

    Args:
        fpath: path of the file.
        file_hash: the expected hex digest.
        algorithm: `"sha256"`, `"md5"`, or `"auto"` (SHA-256 for a 64-digit hash, else MD5).
        chunk_size: bytes read at a time.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "empty.txt")
    >>> open(path, "wb").close()
    >>> validate_file(path, "d41d8cd98f00b204e9800998ecf8427e")  # an MD5
    True
    >>> validate_file(path, "0" * 64)
    False
    """
    return hash_file(fpath, _hasher(algorithm, file_hash), chunk_size) == str(file_hash)


# ----------------------------------------------------------------------------- archives
def _inside(base: str, name: str) -> bool:
    path = os.path.realpath(os.path.join(base, name))
    return os.path.commonpath([path, base]) == base


def _check_members(archive, base: str) -> None:
    """Refuses archives whose members would land outside `base` (absolute paths, `..`, links)."""
    base = os.path.realpath(base)
    if isinstance(archive, zipfile.ZipFile):
        bad = [m.filename for m in archive.infolist() if not _inside(base, m.filename)]
    else:
        bad = []
        for m in archive.getmembers():
            target_ok = True
            if m.issym():
                target_ok = _inside(base, os.path.join(os.path.dirname(m.name), m.linkname))
            elif m.islnk():
                target_ok = _inside(base, m.linkname)
            if not (_inside(base, m.name) and target_ok) or m.isdev():
                bad.append(m.name)
    if bad:
        raise ValueError(f"Refusing to extract an archive with members outside the destination "
                         f"folder {base}: {bad[:5]}. The archive may be corrupted or malicious.")


def extract_archive(file_path: str, path: str = ".", archive_format="auto") -> bool:
    """Extracts a tar (`.tar`, `.tar.gz`, `.tar.bz2`) or zip archive into `path`.

    Members that would be written outside `path` (absolute names, `..`, links pointing out) are
    refused with a `ValueError`.

    Args:
        file_path: path of the archive.
        path: folder to extract into.
        archive_format: `"auto"` (tar, then zip), `"tar"`, `"zip"`, a list of them, or `None`.

    Returns:
        `True` if the archive matched a format and was extracted, else `False`.

    >>> import os, tempfile, zipfile
    >>> folder = tempfile.mkdtemp()
    >>> with zipfile.ZipFile(os.path.join(folder, "a.zip"), "w") as z:
    ...     z.writestr("hello.txt", "hi")
    >>> extract_archive(os.path.join(folder, "a.zip"), os.path.join(folder, "out"))
    True
    >>> os.listdir(os.path.join(folder, "out"))
    ['hello.txt']
    """
    if archive_format is None:
        return False
    if archive_format == "auto":
        archive_format = ["tar", "zip"]
    formats = [archive_format] if isinstance(archive_format, str) else list(archive_format)
    file_path, path = os.fspath(file_path), os.fspath(path)
    for kind in formats:
        if kind == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            with tarfile.open(file_path) as archive:
                _check_members(archive, path)
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(path, filter="data")
                else:  # Python without extraction filters: members were checked above.
                    archive.extractall(path)
            return True
        if kind == "zip":
            if not zipfile.is_zipfile(file_path):
                continue
            os.makedirs(path, exist_ok=True)
            with zipfile.ZipFile(file_path) as archive:
                _check_members(archive, path)
                archive.extractall(path)
            return True
        raise ValueError(f"Unknown `archive_format`: expected 'tar', 'zip', 'auto' or None. "
                         f"Received: archive_format={kind!r}")
    return False


def _extract_in_place(archive: str, extraction_dir: str, archive_format) -> bool:
    """Extracts into a temporary sibling folder, then renames it to `extraction_dir`."""
    parent, name = os.path.split(extraction_dir)
    tmp = tempfile.mkdtemp(dir=parent, prefix=f".{name}.", suffix=".part")
    try:
        if not extract_archive(archive, tmp, archive_format):
            return False
        os.chmod(tmp, 0o755)
        if os.path.isdir(extraction_dir) and not os.path.islink(extraction_dir):
            shutil.rmtree(extraction_dir)
        elif os.path.lexists(extraction_dir):
            os.remove(extraction_dir)
        os.replace(tmp, extraction_dir)
        return True
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)


# ----------------------------------------------------------------------------- download
def _download(origin: str, target: str, file_hash: str | None, algorithm: str,
              notes: list[str]) -> None:
    """Streams `origin` into a temporary file beside `target`, verifies it, renames it."""
    folder, name = os.path.split(target)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                _stream(origin, out)
            except (urllib.error.URLError, http.client.HTTPException, OSError) as err:
                http_error = isinstance(err, urllib.error.HTTPError)
                if http_error:
                    err.close()  # it holds the response's socket
                reason = err if http_error else (getattr(err, "reason", None) or err)
                raise OSError(
                    f"Could not download {name!r} from {origin} ({type(err).__name__}: "
                    f"{reason}).{''.join(' ' + n for n in notes)} If this machine is offline, "
                    f"download {origin} elsewhere and save it as {target} (in the folder "
                    f"{folder}); it is then used without downloading.") from err
            out.flush()
            os.fsync(out.fileno())
        if file_hash is not None:
            hasher = _hasher(algorithm, file_hash)
            got = hash_file(tmp, hasher)
            if got != file_hash:
                raise ValueError(
                    f"Incomplete or corrupted file detected: the {hasher.name} hash of the file "
                    f"downloaded from {origin} is {got}, expected {file_hash}. Nothing was saved "
                    f"to {target}.")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _stream(origin: str, out) -> None:
    """Copies the response body to `out` with a progress bar; checks the announced length."""
    with _urlopen(origin, timeout=_TIMEOUT_S) as response:
        length = response.headers.get("Content-Length")
        total = int(length) if length and length.isdigit() else None
        print(f"Downloading data from {origin}")
        bar, received = Progbar(total), 0
        for chunk in iter(lambda: response.read(_CHUNK), b""):
            out.write(chunk)
            received += len(chunk)
            bar.update(min(received, total) if total else received, finalize=False)
        if total is not None and received != total:
            raise OSError(f"the connection ended after {received} of {total} bytes")
        bar.update(received, finalize=True)


def _base_folder(cache_dir) -> str:
    """`cache_dir` (default: `neurx_home()`), or a temporary folder when it is not writable."""
    base = os.path.expanduser(os.fspath(cache_dir)) if cache_dir else neurx_home()
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        pass
    if not os.access(base, os.W_OK):
        base = os.path.join(tempfile.gettempdir(), ".neurx")
    return base


def _targets(datadir: str, fname: str, provided: bool, extract: bool):
    """(download target, extraction folder or None), named as Keras names them."""
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def get_file(fname: str | None = None, origin: str | None = None, untar: bool = False,
             md5_hash: str | None = None, file_hash: str | None = None,
             cache_subdir: str = "datasets", hash_algorithm: str = "auto",
             extract: bool = False, archive_format="auto", cache_dir: str | None = None,
             force_download: bool = False) -> str:
    """Downloads a file from a URL unless it is already in the cache, and returns its path.

    By default the file at `origin` is saved as `~/.neurx/datasets/<fname>` (`$NEURX_HOME`
    replaces `~/.neurx`). With the default `cache_dir`, a copy already in Keras's cache
    (`~/.keras/datasets/<fname>`, or under `$KERAS_HOME`) is used in place when it is valid.
    When `file_hash` is given, a cached file with another hash is not used (it is downloaded
    again), and a download with another hash is refused. A download is written to a temporary
    file in the same folder and renamed into place only once complete and verified. When the
    URL cannot be reached, the `OSError` names the file, the URL and the path to copy it to.

    Args:
        fname: local file name; `None` takes the name of the file at `origin`. With
            `extract=True`, a name without an extension is the extraction folder's name.
        origin: URL of the file (any scheme `urllib` opens: https, http, file).
        untar: deprecated: same as `extract=True, archive_format="tar"`.
        md5_hash: deprecated: an MD5 `file_hash`.
        file_hash: expected SHA-256 or MD5 hex digest of the file.
        cache_subdir: folder under the cache folder; an absolute path is used as is.
        hash_algorithm: `"sha256"`, `"md5"`, or `"auto"` (from the length of `file_hash`).
        extract: whether to extract the file (a tar or zip archive) and return the folder.
        archive_format: `"auto"`, `"tar"`, `"zip"`, a list of them, or `None`.
        cache_dir: cache folder; default `$NEURX_HOME`, else `~/.neurx`.
        force_download: download again even when a cached copy exists.

    Returns:
        The path of the file, or of the extraction folder when extracting.

    Example (a `file://` URL, so no network is needed):

    >>> import hashlib, os, tempfile
    >>> source = os.path.join(tempfile.mkdtemp(), "numbers.txt")
    >>> with open(source, "w") as f:
    ...     _ = f.write("1 2 3\\n")
    >>> sha256 = hashlib.sha256(b"1 2 3\\n").hexdigest()
    >>> cache = tempfile.mkdtemp()
    >>> path = get_file(origin="file://" + source, file_hash=sha256,
    ...                 cache_dir=cache)  # doctest: +ELLIPSIS
    Downloading data from file://.../numbers.txt
    6/6 [==============================] - 0s ...
    >>> os.path.relpath(path, cache)
    'datasets/numbers.txt'
    >>> get_file(origin="file://" + source, file_hash=sha256, cache_dir=cache) == path
    True
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download). '
                         "Received: origin=None")
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError("`hash_algorithm` must be 'auto', 'sha256' or 'md5'. "
                         f"Received: hash_algorithm={hash_algorithm!r}")
    datadir = os.path.join(_base_folder(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    provided = bool(fname)
    fname = os.fspath(fname) if fname else os.path.basename(urllib.parse.urlsplit(origin).path)
    if not fname:
        raise ValueError(f"Can't parse the file name from the origin provided: {origin!r}. "
                         "Please specify the `fname` argument.")
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the "
                         f"file's parent directory, use the `cache_dir` argument. "
                         f"Received: fname={fname}")
    download_target, extraction_dir = _targets(datadir, fname, provided, extract or untar)

    candidates = [download_target]
    if cache_dir is None and not os.path.isabs(cache_subdir):
        keras_dir = os.path.join(keras_home(), cache_subdir)
        candidates.append(os.path.join(keras_dir, os.path.basename(download_target)))
    source, notes = None, []
    for candidate in ([] if force_download else candidates):
        if not os.path.isfile(candidate):
            continue
        if file_hash is None or validate_file(candidate, file_hash, hash_algorithm):
            source = candidate
            break
        notes.append(f"The local copy {candidate} was not used: its hash does not match the "
                     f"expected {_hasher(hash_algorithm, file_hash).name} {file_hash} "
                     "(incomplete, outdated or tampered).")
        print(notes[-1] + " Downloading it again.")
    downloaded = source is None
    if downloaded:
        _download(origin, download_target, file_hash, hash_algorithm, notes)
        source = download_target

    if extraction_dir is None:
        return source
    if downloaded or not os.path.isdir(extraction_dir):
        if not _extract_in_place(source, extraction_dir, "tar" if untar else archive_format):
            warnings.warn(f"Could not extract archive {source}: it is not a "
                          f"{'tar' if untar else archive_format} archive.", stacklevel=2)
    return extraction_dir
