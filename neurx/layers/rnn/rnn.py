"""`RNN`: runs a cell over the time axis with `jax.lax.scan`.

What this module owns: the time loop shared by every recurrent layer
(SimpleRNN, LSTM and GRU are `RNN`s holding their cell), masking as Keras does
it (a masked timestep keeps the previous states and repeats the previous
output, or outputs zeros with `zero_output_for_mask`), `go_backwards`,
`return_sequences` / `return_state`, initial states (nested for stacked cells),
and the per-sequence dropout masks of cells that mix in `DropoutRNNCell`.
"""
from __future__ import annotations

import jax
import jax.numpy as jnp
from jax import lax

from neurx.layers.layer import Layer
from neurx.layers.rnn.cell_base import GatedCell
from neurx.layers.rnn.dropout_cell import DropoutRNNCell
from neurx.layers.rnn.serialization import deserialize_layer, serialize_layer
from neurx.layers.rnn.stacked_cells import StackedRNNCells, cell_output_size


def cell_property(name: str) -> property:
    """A read-only layer attribute that forwards to `self.cell.<name>` (as Keras's LSTM.units)."""
    return property(lambda self: getattr(self.cell, name),
                    doc=f"The cell's `{name}`.")


class RNN(Layer):
    """Base class for recurrent layers: applies `cell` to every timestep.

    A cell is a layer with `call(inputs_t, states) -> (output_t, new_states)` and a
    `state_size` (an int, or a list of ints for several states), and optionally
    `output_size` and `get_initial_state(batch_size)`.

    Args:
        cell: the cell instance (SimpleRNNCell, LSTMCell, GRUCell or your own), or a
            list of cells, run as `StackedRNNCells`.
        return_sequences: return the output of every timestep, not only the last.
        return_state: also return the final states, as `(output, *states)`.
        go_backwards: process the sequence backwards; the returned sequence is
            then in reverse order too.
        stateful: only False is supported.
        unroll: unroll the loop (same numbers, one compiled step per timestep).
        zero_output_for_mask: output zeros at masked timesteps instead of
            repeating the previous output.
        time_major: Keras 2 argument: inputs and sequence outputs are
            `(timesteps, batch, features)`.

    Call arguments: `sequences` `(batch, timesteps, features)`; `initial_state`
    (list of arrays); `mask` `(batch, timesteps)` booleans, True where a
    timestep is real (Embedding(mask_zero=True) and Masking provide it);
    `training` (turns on the cell's dropout).

    Example:
    >>> import numpy as np
    >>> from neurx.layers.rnn.simple_rnn import SimpleRNNCell
    >>> layer = RNN(SimpleRNNCell(4), return_sequences=True, return_state=True)
    >>> seq, state = layer(np.ones((2, 5, 3), "float32"))
    >>> seq.shape, state.shape
    ((2, 5, 4), (2, 4))
    """

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, zero_output_for_mask=False, time_major=False,
                 **kwargs):
        super().__init__(**kwargs)
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        cell = deserialize_layer(cell) if isinstance(cell, dict) else cell
        if not callable(getattr(cell, "call", None)) or getattr(cell, "state_size", None) is None:
            raise ValueError(f"RNN layer '{self.name}' needs a cell with a `call(inputs, "
                             f"states)` method and a `state_size` attribute. Received: "
                             f"cell={cell!r}")
        if stateful:
            raise ValueError(f"RNN layer '{self.name}': stateful=True is not supported yet "
                             "in neurx. Use stateful=False and pass `initial_state=` to carry "
                             "states between calls. Received: stateful=True")
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = False
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.time_major = bool(time_major)
        self.supports_masking = True
        state_size = cell.state_size
        self.state_size = [state_size] if isinstance(state_size, int) else list(state_size)

    # ------------------------------------------------------------------ shapes
    @property
    def output_size(self) -> int:
        return cell_output_size(self.cell)

    def build(self, sequences_shape, initial_state_shape=None):
        shape = tuple(sequences_shape)
        if len(shape) < 3:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects 3D input "
                             "(batch, timesteps, features). Received: input_shape="
                             f"{shape}")
        step_shape = shape[1:2] + shape[2:] if self.time_major else shape[:1] + shape[2:]
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell._build_with(step_shape)

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    def get_initial_state(self, batch_size):
        """Zero states (or the cell's `get_initial_state`), one per entry of `state_size`."""
        make = getattr(self.cell, "get_initial_state", None)
        if make is not None:
            states = _as_lists(make(batch_size=batch_size))
            return states if isinstance(states, list) else [states]
        return [jnp.zeros((batch_size, size), self.compute_dtype) for size in self.state_size]

    # ------------------------------------------------------------------ the loop
    def call(self, sequences, initial_state=None, mask=None, training=None):
        if self.time_major:
            sequences = jnp.swapaxes(sequences, 0, 1)
        batch, steps = sequences.shape[0], sequences.shape[1]
        kernel = self.cell.kernel if isinstance(self.cell, GatedCell) else None
        if kernel is not None and sequences.shape[-1] != kernel.shape[0]:
            raise ValueError(
                f"Input of layer '{self.name}' ({type(self).__name__}) is incompatible with "
                f"the layer: expected last dimension {kernel.shape[0]} (cell kernel shape "
                f"{kernel.shape}), but received input of shape {tuple(sequences.shape)}.")
        states = self._initial_states(initial_state, batch)
        mask = self._standardize_mask(mask, sequences)
        training = bool(training)
        if training:
            self._draw_dropout_masks(sequences, states)
        try:
            last, outputs, states = self._scan(sequences, states, mask, training, steps)
        finally:
            for cell in self._cells():
                if isinstance(cell, DropoutRNNCell):
                    cell.reset_dropout_mask()
                    cell.reset_recurrent_dropout_mask()
        if self.return_sequences:
            output = jnp.swapaxes(outputs, 0, 1) if not self.time_major else outputs
        else:
            output = last
        if self.return_state:
            return (output, *states)
        return output

    def _cells(self) -> list:
        return list(self.cell.cells) if isinstance(self.cell, StackedRNNCells) else [self.cell]

    def _draw_dropout_masks(self, sequences, states):
        """Draws each cell's masks for this sequence, before the loop (not inside it)."""
        stacked = isinstance(self.cell, StackedRNNCells)
        step_input = sequences[:, 0]
        for cell, cell_states in zip(self._cells(), states if stacked else [states]):
            if isinstance(cell, DropoutRNNCell):
                cell.get_dropout_mask(step_input)
                cell.get_recurrent_dropout_mask(jax.tree_util.tree_leaves(cell_states)[0])
            step_input = jnp.zeros((sequences.shape[0], cell_output_size(cell)),
                                   sequences.dtype)

    def _scan(self, sequences, states, mask, training, steps):
        dtype = self.compute_dtype
        keep_all = self.return_sequences
        cell_kwargs = {"training": training} if isinstance(self.cell, Layer) else {}

        def step(carry, xs):
            states, _ = carry
            x_t, m_t = xs if mask is not None else (xs, None)
            output, new_states = self.cell(x_t, states, **cell_kwargs)
            new_states = _as_lists(new_states)
            new_states = new_states if isinstance(new_states, list) else [new_states]
            output = output.astype(dtype)
            if m_t is not None:
                keep = m_t[:, None]
                if self.zero_output_for_mask:
                    previous = jnp.zeros_like(output)
                else:   # the previous output: the first state (of the last cell if stacked)
                    previous = states[-1][0] if isinstance(states[0], list) else states[0]
                output = jnp.where(keep, output, previous)
                new_states = jax.tree_util.tree_map(lambda s, n: jnp.where(keep, n, s),
                                                    states, new_states)
            new_states = jax.tree_util.tree_map(lambda n, s: n.astype(s.dtype),
                                                new_states, states)
            return (new_states, output), (output if keep_all else None)

        xs = jnp.swapaxes(sequences, 0, 1)
        if mask is not None:
            xs = (xs, jnp.swapaxes(mask, 0, 1))
        init_output = jnp.zeros((sequences.shape[0], self.output_size), dtype)
        (states, last), outputs = lax.scan(step, (states, init_output), xs,
                                           reverse=self.go_backwards,
                                           unroll=max(int(steps), 1) if self.unroll else 1)
        if keep_all and self.go_backwards:
            outputs = jnp.flip(outputs, axis=0)
        return last, outputs, states

    def _initial_states(self, initial_state, batch):
        default = jax.tree_util.tree_map(lambda s: jnp.asarray(s, self.compute_dtype),
                                         self.get_initial_state(batch))
        if initial_state is None:
            return default
        expected, treedef = jax.tree_util.tree_flatten(default)
        given = jax.tree_util.tree_leaves(initial_state,
                                          is_leaf=lambda x: hasattr(x, "shape"))
        sizes = [e.shape[-1] for e in expected]
        if len(given) != len(expected):
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects "
                             f"{len(expected)} initial state(s) of sizes {sizes}. Received: "
                             f"{len(given)} initial state(s).")
        out = []
        for state, reference in zip(given, expected):
            state = jnp.asarray(getattr(state, "value", state), self.compute_dtype)
            if state.shape != reference.shape:
                raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects each "
                                 f"initial state of shape {tuple(reference.shape)}. Received: "
                                 f"initial state of shape {tuple(state.shape)}.")
            out.append(state)
        return jax.tree_util.tree_unflatten(treedef, out)

    def _standardize_mask(self, mask, sequences):
        if isinstance(mask, (list, tuple)):
            mask = mask[0]
        if mask is None:
            return None
        mask = jnp.asarray(mask).astype(bool)
        if mask.shape != sequences.shape[:2]:
            raise ValueError(f"Layer '{self.name}' ({type(self).__name__}) expects a mask of "
                             f"shape (batch, timesteps) = {tuple(sequences.shape[:2])} for "
                             f"inputs of shape {tuple(sequences.shape)}. Received: mask of "
                             f"shape {tuple(mask.shape)}.")
        return mask

    # ------------------------------------------------------------------ config
    def _rnn_config(self) -> dict:
        config = {**super().get_config(), "return_sequences": self.return_sequences,
                  "return_state": self.return_state, "go_backwards": self.go_backwards,
                  "stateful": self.stateful, "unroll": self.unroll,
                  "zero_output_for_mask": self.zero_output_for_mask}
        if self.time_major:
            config["time_major"] = True
        return config

    def get_config(self):
        return {**self._rnn_config(), "cell": serialize_layer(self.cell)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        cell = deserialize_layer(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _as_lists(tree):
    """Tuples to lists at every level, so the loop's carry keeps one structure."""
    if isinstance(tree, (list, tuple)):
        return [_as_lists(t) for t in tree]
    return tree
