"""Convolution as one matrix product over the stacked shifted views of the input (patches).

Why it exists: on XLA:CPU the gradients of `lax.conv_general_dilated` run tens of times slower
inside a loop (jax-ml/jax#12868), so a model with convolutions would have to be trained one
batch per call. For narrow windows (kernel taps x input channels up to `MAX_PATCH_WIDTH`, e.g. a
3x3 kernel over 32 channels) `patches @ kernel` costs no more than XLA's convolution and
keeps the whole epoch in one `lax.scan`; wider windows would copy too much. A convolution
layer says whether it can run this way (`can_run_as_matmul`, checked by `fits_patches`); the
trainer switches layers to it on the CPU backend only when every convolution of the model can;
the numbers equal `lax`'s to float32 rounding.
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


def fits_patches(kernel_shape, strides, dilation_rate, padding: str) -> bool:
    """Whether a Keras-layout kernel's convolution can run as `conv_as_matmul`.

    >>> fits_patches((3, 3, 32, 8), (1, 1), (1, 1), "same"), fits_patches((3, 3, 64, 8), (1, 1), (1, 1), "same")
    (True, False)
    """
    return (len(kernel_shape) in (3, 4) and padding in ("valid", "same")
            and set(strides) == {1} and set(dilation_rate) == {1}
            and int(np.prod(kernel_shape[:-1])) <= MAX_PATCH_WIDTH)
