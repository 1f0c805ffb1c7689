"""Layers: the building blocks of models (`neurx.layers`, as `keras.layers`)."""
from neurx.layers import experimental  # tf.keras 2's `layers.experimental.preprocessing`
from neurx.layers.activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax, ThresholdedReLU
from neurx.layers.convolutional import (
                                            Conv1D,
                                            Conv1DTranspose,
                                            Conv2D,
                                            Conv2DTranspose,
                                            Conv3D,
                                            Conv3DTranspose,
                                            Convolution1D,
                                            Convolution1DTranspose,
                                            Convolution2D,
                                            Convolution2DTranspose,
                                            Convolution3D,
                                            Convolution3DTranspose,
                                            DepthwiseConv1D,
                                            DepthwiseConv2D,
                                            SeparableConv1D,
                                            SeparableConv2D,
                                            SeparableConvolution1D,
                                            SeparableConvolution2D,
)
from neurx.layers.core import Activation, Dense, Dropout, Flatten, Lambda, Reshape
from neurx.layers.embedding import Embedding
from neurx.layers.global_pooling import (
                                            GlobalAveragePooling1D,
                                            GlobalAveragePooling2D,
                                            GlobalAveragePooling3D,
                                            GlobalAvgPool1D,
                                            GlobalAvgPool2D,
                                            GlobalAvgPool3D,
                                            GlobalMaxPool1D,
                                            GlobalMaxPool2D,
                                            GlobalMaxPool3D,
                                            GlobalMaxPooling1D,
                                            GlobalMaxPooling2D,
                                            GlobalMaxPooling3D,
)
from neurx.layers.input_layer import Input, InputLayer
from neurx.layers.layer import Layer
from neurx.layers.masking import Masking
from neurx.layers.merging import (
                                            Add,
                                            Average,
                                            Concatenate,
                                            Dot,
                                            Maximum,
                                            Minimum,
                                            Multiply,
                                            Subtract,
                                            add,
                                            average,
                                            concatenate,
                                            dot,
                                            maximum,
                                            minimum,
                                            multiply,
                                            subtract,
)
from neurx.layers.normalization import (
                                            BatchNormalization,
                                            GroupNormalization,
                                            LayerNormalization,
                                            UnitNormalization,
)
from neurx.layers.op_layer import OpLayer
from neurx.layers.pooling import (
                                            AveragePooling1D,
                                            AveragePooling2D,
                                            AveragePooling3D,
                                            AvgPool1D,
                                            AvgPool2D,
                                            AvgPool3D,
                                            MaxPool1D,
                                            MaxPool2D,
                                            MaxPool3D,
                                            MaxPooling1D,
                                            MaxPooling2D,
                                            MaxPooling3D,
)
from neurx.layers.preprocessing import (
                                            CategoryEncoding,
                                            Discretization,
                                            IntegerLookup,
                                            Normalization,
                                            Rescaling,
                                            StringLookup,
                                            TextVectorization,
)
from neurx.layers.regularization import (
                                            ActivityRegularization,
                                            AlphaDropout,
                                            GaussianDropout,
                                            GaussianNoise,
                                            SpatialDropout1D,
                                            SpatialDropout2D,
                                            SpatialDropout3D,
)
from neurx.layers.reshaping import (
                                            Cropping1D,
                                            Cropping2D,
                                            Cropping3D,
                                            Permute,
                                            RepeatVector,
                                            UpSampling1D,
                                            UpSampling2D,
                                            UpSampling3D,
                                            ZeroPadding1D,
                                            ZeroPadding2D,
                                            ZeroPadding3D,
)
from neurx.layers.rnn import (
                                            GRU,
                                            LSTM,
                                            RNN,
                                            Bidirectional,
                                            GRUCell,
                                            LSTMCell,
                                            SimpleRNN,
                                            SimpleRNNCell,
                                            StackedRNNCells,
                                            TimeDistributed,
)
