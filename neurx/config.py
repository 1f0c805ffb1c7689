"""Global settings Keras exposes through `keras.backend`: float type, epsilon, image layout."""
import os

_settings = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last",
             "staging_budget": int(os.environ.get("NEURX_STAGING_BUDGET", 2 * 1024 ** 3))}


def floatx() -> str:
    """The default float dtype name.

    >>> floatx()
    'float32'
    """
    return _settings["floatx"]


def set_floatx(value: str) -> None:
    _settings["floatx"] = str(value)


def epsilon() -> float:
    """The fuzz factor used in numeric expressions (Keras: 1e-7).

    >>> epsilon()
    1e-07
    """
    return _settings["epsilon"]


def set_epsilon(value: float) -> None:
    _settings["epsilon"] = float(value)


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
