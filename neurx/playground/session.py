"""One playground session: its points, its network, and the training state between frames.

What this module owns: the data and the explicit `TrainState` behind one browser tab, the
epoch counter, and what the page is sent (`describe` when the points or the network change,
`frame` after each step). The compiled programs come from `engine.Engine`, kept per
architecture so that going back to a network tried before costs no compilation. Not
thread-safe: `registry.LiveSession` serializes access.

>>> session = Session({"dataset": "xor", "features": ["x1*x2"], "hidden": [],
...                    "learning_rate": 0.3})
>>> session.train(epochs=20)
>>> session.epoch, session.losses()["train"] < 0.2
(20, True)
"""
from __future__ import annotations

import base64
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import jax.numpy as jnp
import numpy as np

from neurx.playground import data as data_lib
from neurx.playground.engine import Engine, architecture
from neurx.playground.network import keras_code
from neurx.playground.params import Params, validate
from neurx.training.chunks import batch_plan

_DATA_KEYS = ("dataset", "noise", "train_percent", "seed")
_MAX_ENGINES = 8      # compiled networks kept per session


def _bce(y: np.ndarray, p: np.ndarray) -> float:
    """Binary crossentropy of probabilities `p` (Keras's clipping at 1e-7)."""
    p = np.clip(p.astype("float64"), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def encode_map(values: np.ndarray, scale: float | None = None) -> str:
    """A map for the page: values divided by `scale` (default: the largest magnitude, at
    least 1), clipped to [-1, 1], as bytes 0..255 (127.5 is zero), base64-encoded.

    >>> base64.b64decode(encode_map(np.array([-1.0, 0.0, 1.0]))).hex()
    '0080ff'
    """
    values = np.asarray(values, "float64")
    if scale is None:
        scale = max(1.0, float(np.max(np.abs(values))) if values.size else 1.0)
    scaled = np.clip(values / scale, -1.0, 1.0)
    return base64.b64encode(np.round((scaled + 1) * 127.5).astype("uint8").tobytes()).decode()


class Session:
    """The data, network and training state behind one browser tab.

    Args:
        params: settings (a `Params`, or a dict checked by `params.validate`).
        grid_size: resolution of the decision-surface heat map (`grid_size²` points).
        map_size: resolution of each neuron's small map.

    New points or another network (features, layers, activation) reset the weights; another
    regularization keeps them (its penalty is compiled in, so the network is rebuilt); the
    learning rate and the batch size apply from the next epoch on.

    >>> session = Session({"hidden": [2]})
    >>> session.update({"learning_rate": 0.1}), session.update({"hidden": [3, 3]})
    ('training', 'network')
    """

    def __init__(self, params: Params | Mapping[str, Any] | None = None, *,
                 grid_size: int = 50, map_size: int = 25):
        self.params = params if isinstance(params, Params) else validate(params)
        self.grid_size, self.map_size = grid_size, map_size
        self.epoch = 0
        self.generation = 0          # changes whenever the points or the network change
        self._grid = np.concatenate([data_lib.grid(grid_size), data_lib.grid(map_size)])
        self._engines: OrderedDict = OrderedDict()
        self._new_points()

    # ------------------------------------------------------------------ setting up
    def _engine_for(self, params: Params) -> Engine:
        key = architecture(params)
        if key not in self._engines:
            self._engines[key] = Engine(params)
            while len(self._engines) > _MAX_ENGINES:
                self._engines.popitem(last=False)
        self._engines.move_to_end(key)
        return self._engines[key]

    def _new_points(self) -> None:
        """Points from the settings, the network for them, fresh weights."""
        p = self.params
        self.points = data_lib.make_points(p.dataset, p.noise, p.train_percent, p.seed)
        self._rng = np.random.default_rng(p.seed)
        self._new_network()

    def _new_network(self, weights: list | None = None) -> None:
        p = self.params
        self.engine = self._engine_for(p)
        x_train = data_lib.features(self.points.x_train, p.features)
        self._data = ([jnp.asarray(x_train)], [jnp.asarray(self.points.y_train[:, None])], None)
        probe_points = np.concatenate([self._grid, self.points.x_train, self.points.x_test])
        self._probe_x = jnp.asarray(data_lib.features(probe_points, p.features))
        small = data_lib.grid(self.map_size)
        self._feature_maps = [encode_map(c) for c in data_lib.features(small, p.features).T]
        self.generation += 1
        if weights is None:
            self.reset()
        else:
            state = self.engine.fresh_state(self._rng, p.learning_rate)
            self._state = self.engine.with_weights(state, weights)
            self._probed = None

    def reset(self) -> None:
        """New random weights (the network's initializers, from the session's random stream),
        a fresh optimizer state, epoch 0.

        >>> session = Session({"hidden": [2]})
        >>> session.train(epochs=2)
        >>> session.reset()
        >>> session.epoch
        0
        """
        self._state = self.engine.initial_state(self._rng, self.params.learning_rate)
        self.epoch = 0
        self._probed = None

    def update(self, changes: Mapping[str, Any]) -> str:
        """Applies setting changes; returns what they touched: `"data"`, `"network"`,
        `"penalty"`, `"training"` or `"nothing"`. Raises `ParameterError`, changing nothing,
        when any of them is invalid (see the class's example)."""
        new = validate(changes, self.params)
        old, self.params = self.params, new
        changed = {key for key in new.to_json() if getattr(new, key) != getattr(old, key)}
        if changed & set(_DATA_KEYS):
            self._new_points()
            return "data"
        if architecture(new) != architecture(old):
            if new.features != old.features or new.hidden != old.hidden or \
                    new.activation != old.activation:
                self._new_network()
                return "network"
            self._new_network(weights=self.weights())
            return "penalty"
        if "learning_rate" in changed:
            self._state = self.engine.with_learning_rate(self._state, new.learning_rate)
        return "training" if changed else "nothing"

    def regenerate(self) -> None:
        """New points from the next seed (the page's "regenerate" button); resets the weights.

        >>> session = Session({"hidden": [2], "seed": 4})
        >>> session.regenerate()
        >>> session.params.seed
        5
        """
        self.update({"seed": (self.params.seed + 1) % 2 ** 31})

    # ------------------------------------------------------------------ training
    def _plan(self) -> tuple[np.ndarray, np.ndarray]:
        """One shuffled pass over the training points as (steps, batch) indices and masks;
        the last batch is padded with mask 0 (the training loop's `batch_plan`)."""
        return batch_plan(self._rng.permutation(len(self.points.x_train)),
                          self.params.batch_size)

    def train(self, epochs: int = 1) -> None:
        """Runs `epochs` passes over the training points, one compiled call each (see the
        module's example)."""
        for _ in range(epochs):
            self._state = self.engine.train_epoch(self._state, self._data, *self._plan())
            self.epoch += 1
        self._probed = None

    def weights(self) -> list[np.ndarray]:
        """The current kernels and biases, in `model.trainable_weights` order.

        >>> [w.shape for w in Session({"hidden": [3]}).weights()]
        [(2, 3), (3,), (3, 1), (1,)]
        """
        return [np.asarray(w) for w in self._state.trainable]

    # ------------------------------------------------------------------ reading
    def _probe(self) -> list[np.ndarray]:
        if self._probed is None:
            self._probed = self.engine.probe(self._state, self._probe_x)
        return self._probed

    def losses(self) -> dict:
        """Binary crossentropy on the training and the test points (without the penalty).

        >>> sorted(Session().losses())
        ['test', 'train']
        """
        predictions = self._probe()[-1][:, 0]
        start = self.grid_size ** 2 + self.map_size ** 2
        n_train = len(self.points.x_train)
        return {"train": _bce(self.points.y_train, predictions[start:start + n_train]),
                "test": _bce(self.points.y_test, predictions[start + n_train:])}

    def describe(self) -> dict:
        """What changes only with the generation: settings, points, layer sizes, feature maps.

        >>> Session({"hidden": [3]}).describe()["layer_sizes"]
        [2, 3, 1]
        """
        def rows(x, y):
            return np.round(np.column_stack([x, y]), 3).tolist()
        return {"generation": self.generation, "params": self.params.to_json(),
                "features": list(self.params.features),
                "layer_sizes": [len(self.params.features), *self.params.hidden, 1],
                "train": rows(self.points.x_train, self.points.y_train),
                "test": rows(self.points.x_test, self.points.y_test),
                "domain": data_lib.DOMAIN, "grid_size": self.grid_size,
                "map_size": self.map_size, "feature_maps": self._feature_maps}

    def keras_code(self) -> str:
        """The neurx script that trains this network on these points (`network.keras_code`).

        >>> "keras.Sequential" in Session().keras_code()
        True
        """
        return keras_code(self.params)

    def frame(self) -> dict:
        """The live state: epoch, losses, decision surface, every neuron's map, the weights.

        A diverged network (weights no longer finite: the learning rate is too high) is sent
        with `diverged` true, losses None, and its non-finite values drawn as 0.

        >>> frame = Session({"hidden": [3]}).frame()
        >>> frame["epoch"], [len(layer) for layer in frame["maps"]]
        (0, [3, 1])
        """
        outputs = [np.nan_to_num(o, nan=0.0) for o in self._probe()]
        big, small = self.grid_size ** 2, self.map_size ** 2
        surface = 2.0 * outputs[-1][:big, 0] - 1.0            # p = 1 -> +1 (blue)
        maps = [[encode_map(layer[big:big + small, j]) for j in range(layer.shape[1])]
                for layer in outputs[:-1]]
        maps.append([encode_map(2.0 * outputs[-1][big:big + small, 0] - 1.0, scale=1.0)])
        weights, losses = self.weights(), self.losses()
        diverged = not all(np.isfinite(w).all() for w in weights)
        losses = {k: v if np.isfinite(v) and not diverged else None for k, v in losses.items()}
        weights = [np.nan_to_num(w, nan=0.0, posinf=1e6, neginf=-1e6) for w in weights]
        return {"generation": self.generation, "epoch": self.epoch, "diverged": diverged,
                "train_loss": losses["train"], "test_loss": losses["test"],
                "surface": encode_map(surface, scale=1.0), "maps": maps,
                "kernels": [np.round(w, 4).tolist() for w in weights[0::2]],
                "biases": [np.round(b, 4).tolist() for b in weights[1::2]]}
