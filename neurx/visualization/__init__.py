"""Pictures of models and training, drawn from plain data (no model class is imported).

What each part owns: `layer_graph` (a model's layers as a DAG with labels, shared with
TensorBoard's graph), `layered_layout` and `graph_figure` (a DAG laid out and drawn with
matplotlib), `model_visualization` (`plot_model`, `model_to_dot`), `learning_curves`
(`plot_history`, `plot_learning_rate_finder`). The public names are re-exported by
`neurx.utils`.
"""
