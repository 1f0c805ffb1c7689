"""Global settings Keras exposes through `keras.backend` and `keras.config`: float type,
epsilon, image layout, and whether saved files may hold code (safe mode); and neurx's own
switch for the persistent compilation cache (`enable_compilation_cache`, from
`neurx.compilation_cache`)."""
import os

from neurx.compilation_cache import (  # noqa: F401
    compilation_cache_dir,
    disable_compilation_cache,
    enable_compilation_cache,
)

_settings = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last",
             "staging_budget": int(os.environ.get("NEURX_STAGING_BUDGET", 2 * 1024 ** 3)),
             "unsafe_deserialization": False}


def floatx() -> str:
    """The default float dtype name.

    >>> floatx()
    'float32'
    """
    return _settings["floatx"]


def set_floatx(value: str) -> None:
    """Sets the default float dtype: 'float16', 'bfloat16', 'float32' or 'float64'.

    >>> set_floatx("float64"); floatx()
    'float64'
    >>> set_floatx("float32")
    """
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError("Unknown `floatx` value: expected one of 'float16', 'bfloat16', "
                         f"'float32', 'float64'. Received: floatx={value!r}")
    _settings["floatx"] = str(value)


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (Keras: 1e-7).

    >>> epsilon()
    1e-07
    """
    return _settings["epsilon"]


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor of numeric expressions, a number >= 0.

    >>> set_epsilon(1e-5); epsilon()
    1e-05
    >>> set_epsilon(1e-7)
    """
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = -1.0
    if not number >= 0:
        raise ValueError(f"`epsilon` must be a number >= 0. Received: epsilon={value!r}")
    _settings["epsilon"] = number


def image_data_format() -> str:
    """'channels_last' (default) or 'channels_first'.

    >>> image_data_format()
    'channels_last'
    """
    return _settings["image_data_format"]


def set_image_data_format(value: str) -> None:
    if value not in ("channels_last", "channels_first"):
        raise ValueError("image_data_format must be 'channels_last' or "
                         f"'channels_first'. Received: {value!r}")
    _settings["image_data_format"] = value


def staging_budget() -> int:
    """Bytes of training data `fit` puts on the device at once (default 2 GiB).

    Larger data, and any NumPy memmap, is streamed to the device chunk by chunk.

    >>> staging_budget() > 0
    True
    """
    return _settings["staging_budget"]


def set_staging_budget(num_bytes: int) -> None:
    """Sets the staging budget (also from the `NEURX_STAGING_BUDGET` environment variable)."""
    if int(num_bytes) <= 0:
        raise ValueError(f"The staging budget must be a positive number of bytes. "
                         f"Received: {num_bytes}")
    _settings["staging_budget"] = int(num_bytes)


def enable_unsafe_deserialization() -> None:
    """Turns safe mode off for the rest of the process: saved lambdas load everywhere.

    A `Lambda` layer's lambda or a lambda loss is stored as Python bytecode, which runs
    when the file is loaded; only do this for files you trust. Afterwards even
    `load_model(..., safe_mode=True)` loads them, as in Keras. To allow one file only,
    pass `safe_mode=False` to `load_model` instead.

    >>> enable_unsafe_deserialization()
    >>> unsafe_deserialization_enabled()
    True
    >>> _settings["unsafe_deserialization"] = False  # safe mode again for the other examples
    """
    _settings["unsafe_deserialization"] = True


def unsafe_deserialization_enabled() -> bool:
    """Whether `enable_unsafe_deserialization()` was called (safe mode is then off).

    >>> unsafe_deserialization_enabled()
    False
    """
    return _settings["unsafe_deserialization"]
