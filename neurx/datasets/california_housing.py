"""California housing regression data: Keras's loader, with an embedded copy for offline use.

What this module owns: `load_data` (Keras 3's signature; tries Keras's published file, falls back
to the copy shipped in `neurx/datasets/data/`), `load_embedded` (the shipped copy only), and the
conversion of Keras's raw file to the layout both return.

Layout returned (the one scikit-learn's `fetch_california_housing` and Hands-On ML use), float32:

- `x`: `(n, 8)` with columns `feature_names` = MedInc, HouseAge, AveRooms, AveBedrms,
  Population, AveOccup, Latitude, Longitude.
- `y`: `(n,)` median house value in units of $100,000 (capped at 5.00001).

Keras's own file (`california_housing.npz` on Keras's storage) holds the raw census columns
longitude, latitude, housing_median_age, total_rooms, total_bedrooms, population, households,
median_income and the target in dollars; `load_data` converts it to the layout above so results
do not depend on which source was used.

The embedded copy was derived from Hands-On ML's `housing.csv` (same 20,640 rows, same order as
Keras's and scikit-learn's files). That CSV leaves `total_bedrooms` empty in 207 rows, while the
scikit-learn and Keras versions have no missing values; for those rows AveBedrms is estimated as
median(total_bedrooms / total_rooms over the other rows) * total_rooms / households
(the median ratio is 0.2032). All other values are exact. See `_build_embedded`.
"""
from __future__ import annotations

import csv
import os
import warnings

import numpy as np

from neurx.datasets import sources
from neurx.support import file_utils

__all__ = ["load_data", "load_embedded", "feature_names"]

feature_names = ["MedInc", "HouseAge", "AveRooms", "AveBedrms",
                 "Population", "AveOccup", "Latitude", "Longitude"]

# Keras 3's published file and its SHA-256 (see `neurx.datasets.sources`).
ORIGIN = sources.remote("california_housing", "california_housing.npz").origin
FILE_HASH = sources.remote("california_housing", "california_housing.npz").file_hash
EMBEDDED_PATH = os.path.join(os.path.dirname(__file__), "data", "california_housing.npz")
_SMALL_ROWS = 600  # Keras's version="small": the first 600 rows.


def _derive(longitude, latitude, age, rooms, bedrooms, population, households, income, value):
    """Raw census columns -> (x, y) in the scikit-learn layout (float32)."""
    x = np.stack([income, age, rooms / households, bedrooms / households, population,
                  population / households, latitude, longitude], axis=1)
    return x.astype(np.float32), (np.asarray(value, np.float64) / 100_000).astype(np.float32)


def _from_keras_file(path: str):
    """Reads Keras's raw file (x: 8 raw columns, y: dollars) and converts it."""
    with np.load(path, allow_pickle=False) as f:
        x, y = np.asarray(f["x"], np.float64), np.asarray(f["y"], np.float64)
    if x.ndim != 2 or x.shape[1] != 8 or len(y) != len(x):
        raise ValueError(
            f"{path} is not Keras's california_housing.npz: expected `x` of shape (n, 8) and `y` "
            f"of shape (n,). Received: x.shape={x.shape}, y.shape={y.shape}. Delete the file to "
            "download it again, or use `load_embedded()`.")
    return _derive(*x.T, y)


def _build_embedded(csv_path: str, out_path: str = EMBEDDED_PATH) -> None:
    """Rebuilds the shipped file from Hands-On ML's `housing.csv` (see the module docstring)."""
    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    cols = {name: np.array([float(r[i]) if r[i] else np.nan for r in rows])
            for i, name in enumerate(header) if name != "ocean_proximity"}
    rooms, beds = cols["total_rooms"], cols["total_bedrooms"]
    missing = np.isnan(beds)
    beds = np.where(missing, np.median(beds[~missing] / rooms[~missing]) * rooms, beds)
    x, y = _derive(cols["longitude"], cols["latitude"], cols["housing_median_age"], rooms, beds,
                   cols["population"], cols["households"], cols["median_income"],
                   cols["median_house_value"])
    np.savez_compressed(out_path, x=x, y=y)


def _cache_dir() -> str:
    """`$NEURX_HOME/datasets`, else `~/.neurx/datasets`."""
    return os.path.join(file_utils.neurx_home(), "datasets")


def _keras_cache_dir() -> str:
    return os.path.join(file_utils.keras_home(), "datasets")


def _download(url: str, dest: str) -> None:
    """Downloads `url` to `dest` through `get_file`: progress bar, atomic write, Keras's hash."""
    file_utils.get_file(os.path.basename(dest), origin=url, file_hash=FILE_HASH,
                        cache_subdir=os.path.dirname(os.path.abspath(dest)))


def _locate(path: str) -> str | None:
    """A local copy of Keras's file: neurx's cache, then Keras's; else downloads into neurx's."""
    if os.path.isabs(path):
        candidates = [path]
    else:
        candidates = [os.path.join(_cache_dir(), path), os.path.join(_keras_cache_dir(), path)]
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    try:
        _download(ORIGIN, candidates[0])
    except Exception as err:  # no network, proxy, bad hash: fall back to the embedded copy.
        warnings.warn(f"Could not download {ORIGIN} ({type(err).__name__}: {err}). Using the "
                      "copy embedded in neurx instead (same rows, same layout).", stacklevel=3)
        return None
    return candidates[0]


def _check(test_split: float, version: str = "large") -> None:
    if not 0 <= test_split < 1:
        raise ValueError(f"Invalid `test_split` argument: it must be in [0, 1). "
                         f"Received: test_split={test_split}")
    if version not in ("small", "large"):
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. "
                         f"Received: version={version!r}")


def _split(x, y, test_split: float, seed: int):
    """Keras's shuffle and split: RandomState(seed) shuffles, the tail is the test set."""
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (np.array(x[:cut]), np.array(y[:cut])), (np.array(x[cut:]), np.array(y[cut:]))


def load_embedded(test_split: float = 0.2, seed: int = 113):
    """Loads the copy of California housing shipped with neurx (no network needed).

    Same rows, layout and split as `load_data`: `x` has the 8 `feature_names` columns
    (scikit-learn's derived features), `y` is the median house value in $100,000, both float32.

    Args:
        test_split: fraction of the rows kept for the test set, in `[0, 1)`.
        seed: seed of the shuffle done before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.

    Example:

    >>> (x_train, y_train), (x_test, y_test) = load_embedded()
    >>> x_train.shape, x_test.shape, str(y_train.dtype)
    ((16512, 8), (4128, 8), 'float32')
    """
    _check(test_split)
    with np.load(EMBEDDED_PATH, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    return _split(x, y, test_split, seed)


def load_data(version: str = "large", path: str = "california_housing.npz",
              test_split: float = 0.2, seed: int = 113):
    """Loads the California housing dataset (20,640 districts, 8 features).

    Keras 3's signature and split. The data come from Keras's published file when a copy is
    found (`$NEURX_HOME/datasets`, else `~/.neurx/datasets`, then `~/.keras/datasets`) or can be
    downloaded into neurx's folder; when the download fails (no network) a warning is issued and
    the copy embedded in neurx is used (see `load_embedded`).

    Unlike Keras, the returned layout is scikit-learn's, whichever source is used:
    `x` columns are `feature_names` (MedInc, HouseAge, AveRooms, AveBedrms, Population, AveOccup,
    Latitude, Longitude, derived from the census counts), and `y` is the median house value in
    units of $100,000 (Keras returns the 8 raw census columns and dollars). Both are float32.
    In the embedded copy, AveBedrms of 207 districts is estimated (see the module docstring).

    Args:
        version: `"large"` (all 20,640 rows) or `"small"` (the first 600 rows).
        path: file name of the cached copy, relative to the dataset folders (or absolute).
        test_split: fraction of the rows kept for the test set, in `[0, 1)`.
        seed: seed of the shuffle done before the split.

    Returns:
        `(x_train, y_train), (x_test, y_test)`.

    Example:

    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")  # offline: falls back to the embedded copy
    ...     (x_train, y_train), (x_test, y_test) = load_data(version="small")
    >>> x_train.shape, y_test.shape
    ((480, 8), (120,))
    """
    _check(test_split, version)
    local = _locate(path)
    if local is None:
        with np.load(EMBEDDED_PATH, allow_pickle=False) as f:
            x, y = f["x"], f["y"]
    else:
        x, y = _from_keras_file(local)
    if version == "small":
        x, y = x[:_SMALL_ROWS], y[:_SMALL_ROWS]
    return _split(x, y, test_split, seed)
