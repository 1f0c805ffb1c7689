"""Convolution layers: `Conv1D/2D/3D`, depthwise, separable and transposed convolutions.

Modules: `arguments` (argument checks, output-length arithmetic, input-rank errors),
`convolution_base` (what every convolution layer shares: arguments, bias, shape checks,
config), `base_conv` (the N-D convolution and `BaseConv`), `conv`, `depthwise_conv`,
`separable_conv`, `conv_transpose`.
"""
from neurx.layers.convolutional.base_conv import BaseConv
from neurx.layers.convolutional.conv import (
                                             Conv1D,
                                             Conv2D,
                                             Conv3D,
                                             Convolution1D,
                                             Convolution2D,
                                             Convolution3D,
)
from neurx.layers.convolutional.conv_transpose import (
                                             Conv1DTranspose,
                                             Conv2DTranspose,
                                             Conv3DTranspose,
                                             Convolution1DTranspose,
                                             Convolution2DTranspose,
                                             Convolution3DTranspose,
)
from neurx.layers.convolutional.depthwise_conv import DepthwiseConv1D, DepthwiseConv2D
from neurx.layers.convolutional.separable_conv import (
                                             SeparableConv1D,
                                             SeparableConv2D,
                                             SeparableConvolution1D,
                                             SeparableConvolution2D,
)
