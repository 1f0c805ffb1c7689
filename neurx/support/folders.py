"""`make_folders`: every writer (model and weight files, checkpoints, CSV and TensorBoard
logs, backups, plots) creates the folders a path needs, as Keras does for checkpoints,
and says which part of the path is in the way when one cannot be created."""
from __future__ import annotations

import os


def make_folders(folder, for_path=None) -> str:
    """Creates `folder` and its missing parents; returns it.

    Where a part of the path exists as a file, raises a NotADirectoryError naming that
    file and the path being written (`for_path`, else `folder`).

    >>> import os, tempfile
    >>> root = tempfile.mkdtemp()
    >>> make_folders(os.path.join(root, "runs", "today")) == os.path.join(root, "runs", "today")
    True
    >>> open(os.path.join(root, "notes"), "w").close()
    >>> make_folders(os.path.join(root, "notes", "logs"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    NotADirectoryError: Cannot write '.../notes/logs': '.../notes' is a file, not a folder. ...
    """
    folder = os.fspath(folder)
    if not folder:
        return folder
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = os.path.abspath(folder)
        while not os.path.exists(blocker) and blocker != os.path.dirname(blocker):
            blocker = os.path.dirname(blocker)
        raise NotADirectoryError(
            f"Cannot write '{os.fspath(for_path or folder)}': '{blocker}' is a file, not a "
            "folder. Choose a path whose folders are folders (missing ones are created)."
        ) from None
    return folder
