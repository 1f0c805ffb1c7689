"""neurx in Jupyter: the `%load_ext neurx` IPython extension and the `neurx` kernel spec.

What this module owns: `load_ipython_extension` / `unload_ipython_extension` (IPython finds them
on the `neurx` package: `%load_ext neurx` installs the `keras` / `tensorflow` alias for the
kernel), and installing or removing the kernel spec "Python 3 (neurx)": ipykernel's own spec
(`python -m ipykernel_launcher -f {connection_file}`) with IPython's `--ext neurx` startup option,
written by ipykernel and installed by jupyter_client's `KernelSpecManager`. Jupyter packages are
imported only by the functions that need them, so `import neurx` stays free of them.
"""
from __future__ import annotations

import os
import tempfile

from neurx import compat

KERNEL_NAME = "neurx"
DISPLAY_NAME = "Python 3 (neurx)"


def _modules_imported_before(user_namespace: dict) -> list[str]:
    """Names in the kernel's namespace bound to a real Keras / TensorFlow module."""
    return sorted(name for name, value in user_namespace.items()
                  if not name.startswith("_") and type(value).__name__ == "module"
                  and value.__name__.split(".")[0] in compat.ALIASES)


def load_ipython_extension(ipython) -> None:
    """`%load_ext neurx`: `import keras` / `import tensorflow as tf` give neurx in this kernel.

    Names the notebook bound to a real Keras or TensorFlow before are reported: run their
    import again.

    >>> class Kernel:  # what IPython passes: the shell, with the notebook's namespace
    ...     user_ns = {}
    >>> load_ipython_extension(Kernel())
    neurx: `import keras` and `import tensorflow` give neurx in this kernel.
    >>> import tensorflow as tf
    >>> tf.keras.__name__
    'neurx'
    >>> unload_ipython_extension(Kernel())
    """
    compat.install()
    print("neurx: `import keras` and `import tensorflow` give neurx in this kernel.")
    stale = _modules_imported_before(getattr(ipython, "user_ns", {}))
    if stale:
        print(f"Imported before `%load_ext neurx`, so still the real Keras or TensorFlow: "
              f"{', '.join(stale)}. Run those imports again.")


def unload_ipython_extension(ipython) -> None:
    """`%unload_ext neurx`: removes the alias (imports give the real packages again).

    >>> unload_ipython_extension(None)
    """
    compat.uninstall()


def _kernels_folder(user: bool, prefix: str | None) -> str | None:
    """Where `KernelSpecManager.install_kernel_spec` puts specs for these options (None: its
    system-wide default)."""
    if prefix is not None:
        return os.path.join(prefix, "share", "jupyter", "kernels")
    if user:
        from jupyter_core.paths import jupyter_data_dir
        return os.path.join(jupyter_data_dir(), "kernels")
    return None


def _kernel_spec_manager(kernels_folder: str | None = None):
    """jupyter_client's `KernelSpecManager` (looking only in `kernels_folder` when given)."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager
    except ImportError as err:
        raise ImportError("The neurx kernel needs Jupyter's kernel packages: "
                          "pip install 'neurx[notebook]' (the `notebook` extra).") from err
    if kernels_folder is None:
        return KernelSpecManager()
    return KernelSpecManager(kernel_dirs=[kernels_folder])


def _write_ipykernel_spec(folder: str) -> str:
    try:
        from ipykernel.kernelspec import write_kernel_spec
    except ImportError as err:
        raise ImportError("The neurx kernel is ipykernel's: pip install 'neurx[notebook]' "
                          "(the `notebook` extra).") from err
    return write_kernel_spec(folder, overrides={"display_name": DISPLAY_NAME},
                             extra_arguments=["--ext", KERNEL_NAME])


def install_kernel_spec(user: bool = False, prefix: str | None = None) -> str:
    """Installs the kernel spec `neurx` ("Python 3 (neurx)"); returns its folder.

    Its kernels are ipykernel's, started by this Python with `--ext neurx`, so notebooks
    opened with it run `from tensorflow import keras` on neurx unchanged.

    Args:
        user: Install for the current user (Jupyter's data folder) instead of system-wide.
        prefix: Install under `PREFIX/share/jupyter/kernels` (e.g. `sys.prefix`, a venv).

    >>> import json, os, tempfile
    >>> folder = install_kernel_spec(prefix=tempfile.mkdtemp())
    >>> with open(os.path.join(folder, "kernel.json")) as file:
    ...     spec = json.load(file)
    >>> spec["display_name"], spec["argv"][-2:]
    ('Python 3 (neurx)', ['--ext', 'neurx'])
    """
    manager = _kernel_spec_manager()
    with tempfile.TemporaryDirectory() as scratch:
        written = _write_ipykernel_spec(os.path.join(scratch, KERNEL_NAME))
        return manager.install_kernel_spec(written, kernel_name=KERNEL_NAME, user=user,
                                           prefix=prefix)


def uninstall_kernel_spec(user: bool = False, prefix: str | None = None) -> str:
    """Removes the kernel spec `neurx` (from where `install_kernel_spec` put it with the same
    options; without options, the first one Jupyter finds); returns the removed folder.

    Raises `FileNotFoundError` when there is none.

    >>> import tempfile
    >>> prefix = tempfile.mkdtemp()
    >>> folder = install_kernel_spec(prefix=prefix)
    >>> uninstall_kernel_spec(prefix=prefix) == folder
    True
    """
    folder = _kernels_folder(user, prefix)
    manager = _kernel_spec_manager(folder)
    try:
        return manager.remove_kernel_spec(KERNEL_NAME)
    except KeyError:
        searched = folder or ", ".join(manager.kernel_dirs)
        raise FileNotFoundError(f"No kernel spec named {KERNEL_NAME!r} in {searched}.") from None
