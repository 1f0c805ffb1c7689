"""Layers: the building blocks of models (`neurx.layers`, as `keras.layers`)."""
from neurx.layers.layer import Layer
from neurx.layers.input_layer import Input, InputLayer
from neurx.layers.core import Activation, Dense, Dropout, Flatten, Lambda, Reshape
from neurx.layers.merging import (Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply,
                                  Subtract, add, average, concatenate, dot, maximum, minimum,
                                  multiply, subtract)
from neurx.layers.op_layer import OpLayer
