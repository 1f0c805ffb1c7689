"""Global settings Keras exposes through `keras.backend`: float type, epsilon, image layout."""
_settings = {"floatx": "float32", "epsilon": 1e-7, "image_data_format": "channels_last"}


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
