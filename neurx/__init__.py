"""neurx: the Keras API on JAX. Use it as `import neurx as keras`.

>>> import neurx as keras
>>> model = keras.Sequential([keras.layers.Dense(1, input_shape=(2,))])
>>> model.count_params()
3
"""
__version__ = "0.1.0"

from neurx import (  # scikit-learn / optuna load on first use
                   activations,
                   applications,  # noqa: E402  (keras.applications)
                   backend,
                   callbacks,
                   config,
                   constraints,
                   datasets,
                   distribution,
                   initializers,
                   layers,
                   losses,
                   metrics,
                   mixed_precision,
                   models,
                   ops,
                   optimizers,
                   perceptron,
                   preprocessing,  # noqa: E402  (keras.preprocessing, Keras 2 spelling)
                   regularizers,
                   saving,  # noqa: E402  (keras.saving)
                   summary,  # tf.summary-like TensorBoard writing; tensorboard loads on first use
                   tuners,
                   utils,
                   wrappers,
)
from neurx.compilation_cache import configure_from_environment as _configure_compilation_cache
from neurx.initializers import Initializer
from neurx.jupyter import load_ipython_extension, unload_ipython_extension  # %load_ext neurx
from neurx.layers import Input, Layer
from neurx.losses import Loss
from neurx.metrics import Metric
from neurx.models import Model, Sequential
from neurx.optimizers import Optimizer
from neurx.regularizers import Regularizer
from neurx.variables import Variable

_configure_compilation_cache()
