"""Helpers that need nothing of neurx above its core, so any package may use them.

What each part owns: `file_utils` (`get_file`: downloads, caches and hashes), `progbar`
(the text progress bar), `py_dataset` (`PyDataset` / `Sequence`), `numerical`
(`to_categorical`, `normalize`), `sequence` (`pad_sequences`), `random_seed`
(`set_random_seed`). The public names are re-exported by `neurx.utils`.
"""
