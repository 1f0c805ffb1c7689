"""Convolution as one matrix product over the stacked shifted views of the input (patches).

Why it exists: on XLA:CPU the gradients of `lax.conv_general_dilated` run tens of times slower
inside a loop (jax-ml/jax#12868), so a model with convolutions would have to be trained one
batch per call. For narrow windows (kernel taps x input channels up to `MAX_PATCH_WIDTH`, e.g. a
3x3 kernel over 32 channels) `patches @ kernel` costs no more than XLA's convolution and
keeps the whole epoch in one `lax.scan`; wider windows would copy too much. The trainer
switches eligible layers to it on the CPU backend only when every convolution of the model is
eligible (`use_matmul_convolutions`); the numbers equal `lax`'s to float32 rounding.
"""
from __future__ import annotations

import jax.numpy as jnp
import numpy as np

MAX_PATCH_WIDTH = 512


def conv_as_matmul(inputs, kernel, padding: str):
    """Stride-1, undilated, channels-last convolution with a Keras-layout kernel.

    >>> x, k = np.arange(10.0).reshape(1, 5, 2), np.ones((3, 2, 1))
    >>> conv_as_matmul(x, k, "valid")[0, :, 0].tolist()
    [15.0, 27.0, 39.0]
    """
    size = kernel.shape[:-2]
    if padding == "same":
        inputs = jnp.pad(inputs, [(0, 0)] + [((k - 1) // 2, k // 2) for k in size] + [(0, 0)])
    out = [n - k + 1 for n, k in zip(inputs.shape[1:-1], size)]
    shifts = [inputs[(slice(None),) + tuple(slice(t, t + n) for t, n in zip(tap, out))]
              for tap in np.ndindex(*size)]
    return jnp.concatenate(shifts, axis=-1) @ kernel.reshape(-1, kernel.shape[-1])


def matmul_eligible(layer) -> bool:
    """Whether a built convolution layer can run as `conv_as_matmul`."""
    from neurx.layers.convolutional.base_conv import BaseConv

    kernel = getattr(layer, "kernel", None)
    return (isinstance(layer, BaseConv) and kernel is not None and layer.rank in (1, 2)
            and layer.data_format == "channels_last" and layer.padding in ("valid", "same")
            and layer.groups == 1 and set(layer.strides) == {1}
            and set(layer.dilation_rate) == {1}
            and int(np.prod(kernel.shape[:-1])) <= MAX_PATCH_WIDTH)


def use_matmul_convolutions(convolutions) -> bool:
    """Switches every layer of `convolutions` to the patches form if all are eligible;
    returns whether it did (then a loop over training steps stays fast on XLA:CPU)."""
    if not all(matmul_eligible(layer) for layer in convolutions):
        return False
    for layer in convolutions:
        layer.as_matmul = True
    return True
