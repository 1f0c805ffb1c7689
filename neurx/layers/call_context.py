"""The state nested layer calls share during one outermost call: the training flag, the
masks of the arrays they pass on, and the row mask of a padded batch."""
from __future__ import annotations

import threading

import jax

_state = threading.local()


class CallContext:
    """State shared by nested layer calls: the training flag, masks by array id, and the
    row mask of a padded batch (1 for real rows, 0 for padding) when the trainer gives one.

    >>> import numpy as np
    >>> context = CallContext(training=True)
    >>> x = np.ones((2, 3))
    >>> context.set_mask(x, np.array([True, False]))
    >>> context.mask_of(x).tolist(), context.mask_of(np.ones((2, 3)))
    ([True, False], None)
    """

    def __init__(self, training, row_mask=None):
        self.training = training
        self.row_mask = row_mask
        self.masks: dict[int, tuple] = {}

    def set_mask(self, array, mask):
        if mask is not None:
            self.masks[id(array)] = (array, mask)

    def mask_of(self, array):
        entry = self.masks.get(id(array))
        return entry[1] if entry is not None and entry[0] is array else None


def current() -> CallContext | None:
    """The context of the outermost layer call in progress on this thread, if any."""
    return getattr(_state, "value", None)


def enter(context: CallContext) -> None:
    _state.value = context


def leave() -> None:
    _state.value = None


def current_row_mask(batch_size):
    """The padded batch's row mask, if the outermost call got one of this batch size.

    Layers whose training statistics span the batch (BatchNormalization) use it so the
    padding of the last batch does not count.
    """
    context = current()
    if context is None or context.row_mask is None or context.row_mask.shape[0] != batch_size:
        return None
    return context.row_mask


def mask_of_inputs(inputs, context: CallContext):
    """The mask of each array in `inputs` (one mask, a list, or None when none has one)."""
    masks = [context.mask_of(t) for t in jax.tree_util.tree_leaves(inputs)]
    if not any(m is not None for m in masks):
        return None
    return masks[0] if len(masks) == 1 else masks
