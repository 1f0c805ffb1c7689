"""`Perceptron`: Rosenblatt's perceptron, a layer of threshold logic units (TLUs).

scikit-learn's `Perceptron` interface and results, trained with the perceptron rule
`w ← w + η (y − ŷ) x` where `ŷ = heaviside(x · w + b)`. The class lives in
`neurx.wrappers.perceptron` and is loaded on first use, because it imports scikit-learn.

>>> import numpy as np
>>> from neurx.perceptron import Perceptron
>>> X = np.array([[0., 0.], [0., 1.], [1., 0.], [1., 1.]])
>>> Perceptron(random_state=0).fit(X, [0, 0, 0, 1]).predict(X).tolist()  # logical AND
[0, 0, 0, 1]
"""
import importlib

__all__ = ["Perceptron"]  # noqa: F822 (served by the module __getattr__)


def __getattr__(name):
    if name == "Perceptron":
        return importlib.import_module("neurx.wrappers.perceptron").Perceptron
    raise AttributeError(f"module 'neurx.perceptron' has no attribute '{name}'")


def __dir__():
    return sorted(__all__)
