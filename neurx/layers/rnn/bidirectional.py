"""`Bidirectional`: runs a recurrent layer forwards and a copy backwards, then merges."""
from __future__ import annotations

import jax.numpy as jnp

from neurx.layers.layer import Layer
from neurx.layers.rnn.serialization import deserialize_layer, serialize_layer

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def _renamed_copy(layer, name, **changes):
    config = {**layer.get_config(), "name": name, **changes}
    return type(layer).from_config(config)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    The wrapped layer is copied twice: `forward_<name>` reads the sequence in
    order, `backward_<name>` (or `backward_layer`) reads it reversed; their
    outputs are merged (the backward sequence is flipped back to input order
    first when `return_sequences=True`).

    Args:
        layer: an RNN layer (LSTM, GRU, SimpleRNN or RNN) to copy.
        merge_mode: "concat" (default), "sum", "mul", "ave", or None (return both
            outputs as a tuple).
        weights: optional initial weights, forward layer's first.
        backward_layer: optional layer to use for the backward direction; it must
            have the opposite `go_backwards` and the same `return_sequences`,
            `return_state` and `stateful`.

    With `return_state=True` the call returns `(output, *forward_states,
    *backward_states)`. With a mask and `return_sequences=True`, masked
    timesteps output zeros (Keras forces `zero_output_for_mask` there).

    Example:
    >>> import numpy as np
    >>> from neurx.layers.rnn.lstm import LSTM
    >>> layer = Bidirectional(LSTM(4, return_sequences=True))
    >>> layer(np.ones((2, 5, 3), "float32")).shape
    (2, 5, 8)
    >>> [w.path for w in layer.weights][:1], len(layer.weights)
    (['lstm_cell/kernel'], 6)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None,
                 **kwargs):
        layer = deserialize_layer(layer) if isinstance(layer, dict) else layer
        backward_layer = deserialize_layer(backward_layer) \
            if isinstance(backward_layer, dict) else backward_layer
        if not isinstance(layer, Layer) or not hasattr(layer, "go_backwards"):
            raise ValueError("Bidirectional needs a recurrent layer instance (LSTM, GRU, "
                             f"SimpleRNN or RNN). Received: layer={layer!r}")
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` must be a layer instance. Received: "
                             f"backward_layer={backward_layer!r}")
        if merge_mode not in _MERGE_MODES:
            raise ValueError(f"Invalid merge_mode: expected one of {_MERGE_MODES}. "
                             f"Received: merge_mode={merge_mode!r}")
        super().__init__(weights=weights, **kwargs)
        base_name = layer.name.removeprefix("forward_").removeprefix("backward_")
        self.forward_layer = _renamed_copy(layer, "forward_" + base_name)
        if backward_layer is None:
            backward_layer = _renamed_copy(layer, "backward_" + base_name,
                                           go_backwards=not layer.go_backwards)
        self.backward_layer = backward_layer
        self._check_directions()
        for sub in (self.forward_layer, self.backward_layer):
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True

    def _check_directions(self):
        forward, backward = self.forward_layer, self.backward_layer
        if forward.go_backwards == backward.go_backwards:
            raise ValueError("Forward layer and backward layer should have different "
                             f"`go_backwards` values. Received: forward_layer.go_backwards="
                             f"{forward.go_backwards}, backward_layer.go_backwards="
                             f"{backward.go_backwards}")
        for attribute in ("stateful", "return_sequences", "return_state"):
            if getattr(forward, attribute) != getattr(backward, attribute):
                raise ValueError(
                    f"Forward layer and backward layer are expected to have the same value "
                    f"for `{attribute}`. Received: {getattr(forward, attribute)} for "
                    f"'{forward.name}' and {getattr(backward, attribute)} for "
                    f"'{backward.name}'.")

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub._build_with(tuple(sequences_shape))

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {"training": training}
        if mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), \
                list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        # The halves run in their own policies; the merge is in the wrapper's, as in Keras.
        y, y_rev = y.astype(self.compute_dtype), y_rev.astype(self.compute_dtype)
        if self.return_sequences:
            y_rev = jnp.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return output

    def _merge(self, y, y_rev):
        if self.merge_mode == "concat":
            return jnp.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return (y, y_rev)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if self.return_sequences:
            output_mask = [mask, mask] if self.merge_mode is None else mask
        else:
            output_mask = [None, None] if self.merge_mode is None else None
        if self.return_state:
            n_states = len(getattr(self.forward_layer, "state_size", [])) * 2
            head = output_mask if isinstance(output_mask, list) else [output_mask]
            return head + [None] * n_states
        return output_mask

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode,
                "layer": serialize_layer(self.forward_layer),
                "backward_layer": serialize_layer(self.backward_layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        config["layer"] = deserialize_layer(config["layer"], custom_objects)
        if config.get("backward_layer") is not None:
            config["backward_layer"] = deserialize_layer(config["backward_layer"],
                                                         custom_objects)
        return cls(**config)
