"""The playground's 2-D data: the four datasets, the train/test split, the input features and
the grid the heat maps are drawn from.

What this module owns: NumPy only, with TensorFlow Playground's recipes (500 points in the
square [-6, 6]²; labels 0/1; `noise` in percent). `Points` holds one generated split.

>>> points = make_points("xor", noise=0, train_percent=50, seed=0)
>>> points.x_train.shape, points.x_test.shape, sorted(set(points.y_train.tolist()))
((250, 2), (250, 2), [0.0, 1.0])
>>> features(np.array([[2.0, 3.0]]), ("x1*x2", "x1^2")).tolist()
[[6.0, 4.0]]
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

N_POINTS = 500
DOMAIN = 6.0          # the plots show [-DOMAIN, DOMAIN] on both axes
_RADIUS = 5.0


class Points(NamedTuple):
    """One dataset split into training and test points (float32; labels 0.0 or 1.0).

    >>> make_points("gauss", noise=0, train_percent=20, seed=0).y_test.shape
    (400,)
    """
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _circle(rng, n, noise):
    half = n // 2
    radius = np.concatenate([rng.uniform(0, 0.5 * _RADIUS, half),            # inside: 1
                             rng.uniform(0.7 * _RADIUS, _RADIUS, n - half)])  # ring: 0
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.stack([radius * np.sin(angle), radius * np.cos(angle)], axis=1)
    labels = (np.hypot(xy[:, 0], xy[:, 1]) < 0.5 * _RADIUS).astype("float32")
    xy += rng.uniform(-_RADIUS, _RADIUS, (n, 2)) * noise   # noise moves points, not labels
    return xy, labels


def _xor(rng, n, noise):
    xy = rng.uniform(-5, 5, (n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)                       # a gap along the axes
    labels = (xy[:, 0] * xy[:, 1] >= 0).astype("float32")
    return xy + rng.uniform(-5, 5, (n, 2)) * noise, labels


def _gauss(rng, n, noise):
    spread = np.sqrt(0.5 + 3.5 * noise / 0.5)               # variance from 0.5 to 4
    half = n // 2
    xy = np.concatenate([rng.normal(2, spread, (half, 2)), rng.normal(-2, spread, (n - half, 2))])
    labels = np.concatenate([np.ones(half), np.zeros(n - half)]).astype("float32")
    return xy, labels


def _spiral(rng, n, noise):
    half = n // 2
    parts, labels = [], []
    for delta, label in ((0.0, 1.0), (np.pi, 0.0)):
        i = np.arange(half)
        r = i / half * _RADIUS
        t = 1.75 * i / half * 2 * np.pi + delta
        xy = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        parts.append(xy + rng.uniform(-1, 1, (half, 2)) * noise)
        labels.append(np.full(half, label, "float32"))
    return np.concatenate(parts), np.concatenate(labels)


_MAKERS = {"circle": _circle, "xor": _xor, "gauss": _gauss, "spiral": _spiral}


def make_points(dataset: str, noise: float, train_percent: float, seed: int) -> Points:
    """`N_POINTS` points of `dataset`, shuffled and split `train_percent` / the rest.

    Args:
        dataset: `"circle"`, `"xor"`, `"gauss"` or `"spiral"`.
        noise: 0 to 50 (percent, as TensorFlow Playground's slider).
        train_percent: share of the points for training.
        seed: the same seed gives the same points.

    >>> a = make_points("spiral", noise=10, train_percent=80, seed=3)
    >>> b = make_points("spiral", noise=10, train_percent=80, seed=3)
    >>> len(a.x_train), bool((a.x_test == b.x_test).all())
    (400, True)
    """
    if dataset not in _MAKERS:
        raise ValueError(f"Unknown dataset {dataset!r}; expected one of {', '.join(_MAKERS)}.")
    rng = np.random.default_rng(seed)
    xy, labels = _MAKERS[dataset](rng, N_POINTS, noise / 100.0)
    order = rng.permutation(N_POINTS)
    xy, labels = xy[order].astype("float32"), labels[order].astype("float32")
    n_train = int(round(N_POINTS * train_percent / 100.0))
    return Points(xy[:n_train], labels[:n_train], xy[n_train:], labels[n_train:])


_FEATURE_FUNCTIONS = {
    "x1": lambda a, b: a,
    "x2": lambda a, b: b,
    "x1^2": lambda a, b: a * a,
    "x2^2": lambda a, b: b * b,
    "x1*x2": lambda a, b: a * b,
    "sin(x1)": lambda a, b: np.sin(a),
    "sin(x2)": lambda a, b: np.sin(b),
}


def features(xy: np.ndarray, names) -> np.ndarray:
    """The model's inputs: one column per feature name, computed from the points (x1, x2).

    >>> features(np.array([[0.0, 1.0]]), ("x1", "x2", "sin(x2)")).dtype.name
    'float32'
    >>> features(np.array([[0.0, 1.0]]), ("x1", "x2", "sin(x2)")).astype(float).round(3).tolist()
    [[0.0, 1.0, 0.841]]
    """
    a, b = xy[:, 0], xy[:, 1]
    return np.stack([_FEATURE_FUNCTIONS[name](a, b) for name in names], axis=1).astype("float32")


def grid(size: int) -> np.ndarray:
    """`size * size` points covering the plot, row by row from the top (x2 = +DOMAIN) down,
    each row from left (x1 = -DOMAIN) to right: the pixel order of a canvas image.

    >>> grid(2).tolist()
    [[-6.0, 6.0], [6.0, 6.0], [-6.0, -6.0], [6.0, -6.0]]
    """
    axis = np.linspace(-DOMAIN, DOMAIN, size, dtype="float32")
    x1, x2 = np.meshgrid(axis, axis[::-1])
    return np.stack([x1.ravel(), x2.ravel()], axis=1)
