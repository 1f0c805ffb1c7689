"""Atomic file writes: every saved file is written next to its target, then renamed.

A process killed while saving (even by SIGKILL) leaves either the old file or
the new one at the target path, never a truncated one: the bytes go to a
temporary file in the same folder, are flushed to disk, and `os.replace`
(atomic on POSIX and Windows) puts them in place. A killed writer can leave a
stray `.<name>.*.tmp` file beside the target; it is never read.
"""
from __future__ import annotations

import contextlib
import os
import tempfile

from neurx.support.folders import make_folders


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path beside `path`; on success it replaces `path` atomically.

    On an exception the temporary file is removed and `path` is left as it was.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "weights.bin")
    >>> with atomic_path(target) as tmp:
    ...     with open(tmp, "wb") as f:
    ...         _ = f.write(b"new")
    >>> with open(target, "rb") as f:
    ...     f.read()
    b'new'
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        raise IsADirectoryError(f"Cannot save to '{path}': it is an existing directory. "
                                "Give a file path, e.g. 'my_model.keras'.")
    make_folders(folder, path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    os.close(fd)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes(path, data: bytes) -> None:
    """Writes `data` to `path` atomically.

    >>> import os, tempfile
    >>> target = os.path.join(tempfile.mkdtemp(), "meta.json")
    >>> write_bytes(target, b"{}")
    >>> with open(target, "rb") as f:
    ...     f.read()
    b'{}'
    """
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as f:
            f.write(data)
