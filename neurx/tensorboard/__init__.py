"""TensorBoard files without TensorFlow: the pieces behind `neurx.summary` and the
`TensorBoard` callback.

What each part owns: `_deps` (the one import of the optional `tensorboard`
package, with the install hint), `summaries` (NumPy data to scalar, histogram,
image and text `Summary` protos), `writer` (`SummaryWriter`: an event file in
a checked log folder, and the `as_default` stack), `graph_def` (a model's layer
DAG as a `GraphDef` for the Graphs tab), `projector` (embedding files the
projector plugin reads without TensorFlow). Nothing here imports `tensorboard`
until it is used, so `import neurx` works without it.

>>> from neurx.tensorboard import SummaryWriter
>>> SummaryWriter.__name__
'SummaryWriter'
"""
from neurx.tensorboard.writer import SummaryWriter, ensure_writable_dir

__all__ = ["SummaryWriter", "ensure_writable_dir"]
