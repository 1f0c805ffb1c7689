"""Records the real Keras 3 (TensorFlow backend) lookup and text layers on fixed cases.

Keras's StringLookup, IntegerLookup and TextVectorization need TensorFlow, which
the test environment does not install. This script, run once in an environment
with `tensorflow-cpu` and `keras`, writes `keras_preprocessing_reference.json`;
`tests/test_layers_preprocessing.py` checks neurx against it.

    KERAS_BACKEND=tensorflow python tests/reference/make_keras_preprocessing_reference.py
"""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import keras  # noqa: E402
import numpy as np  # noqa: E402

SENTENCES = ["The cat sat on the mat.", "The dog ate my homework!", "Dogs and cats, UNITE",
             "the end", "Ärger im Büro: ÄRGER", "a b c d e f g a b c"]
WORDS = [["a", "c", "d"], ["d", "z", "b"], ["b", "y", "y"], ["Z", "é", "a"]]
INTS = [[12, 1138, 42], [42, 1000, 36], [36, 7, 7], [12, 12, 99]]

CASES = [
    ("StringLookup", {}, WORDS, [["a", "c", "q"], ["y", "é", "Z"]]),
    ("StringLookup", {"max_tokens": 4}, WORDS, [["a", "c", "d"], ["y", "b", "z"]]),
    ("StringLookup", {"mask_token": "[MASK]"}, WORDS, [["a", "[MASK]", "q"]]),
    ("StringLookup", {"num_oov_indices": 0}, WORDS, [["a", "d"]]),
    ("StringLookup", {"vocabulary": ["x", "y", "z"], "num_oov_indices": 2, "mask_token": ""},
     None, [["x", "", "z"]]),
    ("StringLookup", {"vocabulary": ["", "[UNK]", "x", "y"], "mask_token": ""}, None,
     [["y", "x", ""]]),
    ("StringLookup", {"output_mode": "multi_hot"}, WORDS, [["a", "a", "q"], ["y", "é", "Z"]]),
    ("StringLookup", {"output_mode": "count"}, WORDS, [["a", "a", "q"], ["y", "é", "Z"]]),
    ("StringLookup", {"output_mode": "one_hot"}, WORDS, ["a", "q", "y"]),
    ("StringLookup", {"output_mode": "tf_idf"}, WORDS, [["a", "a", "q"], ["y", "é", "Z"]]),
    ("StringLookup", {"output_mode": "tf_idf"}, ["a", "b", "a", "c", "a"], [["a", "b", "c"]]),
    ("StringLookup", {"output_mode": "multi_hot", "max_tokens": 8, "pad_to_max_tokens": True},
     WORDS, [["a", "b"]]),
    ("StringLookup", {"output_mode": "tf_idf", "vocabulary": ["a", "b", "c"],
                      "idf_weights": [0.5, 0.25, 1.5]}, None, [["a", "b", "b", "q"]]),
    ("StringLookup", {"vocabulary": ["a", "b", "c"], "invert": True}, None, [[1, 2, 3, 0, 9]]),
    ("StringLookup", {"vocabulary": ["a", "b"], "invert": True, "mask_token": "[M]"}, None,
     [[0, 1, 2, 3, 7]]),
    ("IntegerLookup", {}, INTS, [[12, 1138, 5], [7, 99, 36]]),
    ("IntegerLookup", {"max_tokens": 4}, INTS, [[12, 42, 36, 7]]),
    ("IntegerLookup", {"num_oov_indices": 3}, INTS, [[12, -5, 4, 1001, 42]]),
    ("IntegerLookup", {"mask_token": 0}, INTS, [[0, 12, 5]]),
    ("IntegerLookup", {"output_mode": "multi_hot"}, INTS, [[12, 12, 5], [7, 99, 36]]),
    ("IntegerLookup", {"output_mode": "count"}, INTS, [[12, 12, 5], [7, 99, 36]]),
    ("IntegerLookup", {"output_mode": "tf_idf"}, INTS, [[12, 12, 5], [7, 99, 36]]),
    ("IntegerLookup", {"vocabulary": [12, 36, 1138, 42], "invert": True}, None, [[1, 2, 0, 4, 8]]),
    ("IntegerLookup", {"vocabulary": [12, 36], "invert": True, "mask_token": 0,
                       "oov_token": -7}, None, [[0, 1, 2, 3, 9]]),
    ("TextVectorization", {}, SENTENCES, ["the cat ate the homework", "Ärger ärger x"]),
    ("TextVectorization", {"output_sequence_length": 4}, SENTENCES,
     ["the cat ate the homework", "dogs"]),
    ("TextVectorization", {"output_sequence_length": 8, "max_tokens": 6}, SENTENCES,
     ["the cat ate the homework"]),
    ("TextVectorization", {"ngrams": 2, "output_mode": "count"}, SENTENCES,
     ["the cat sat on the dog", "a b c"]),
    ("TextVectorization", {"ngrams": (2, 3), "output_mode": "multi_hot"}, SENTENCES,
     ["a b c d", "the end"]),
    ("TextVectorization", {"output_mode": "tf_idf"}, SENTENCES,
     ["the cat and the dog", "x y"]),
    ("TextVectorization", {"split": "character", "max_tokens": 12}, SENTENCES,
     ["cat!", "bürger"]),
    ("TextVectorization", {"standardize": "lower", "max_tokens": 10}, SENTENCES,
     ["the cat, the end"]),
    ("TextVectorization", {"standardize": None}, SENTENCES, ["The cat", "the Cat."]),
    ("TextVectorization", {"standardize": "strip_punctuation"}, SENTENCES, ["The cat", "the cat."]),
    ("TextVectorization", {"vocabulary": ["the", "cat", "sat"]}, None, ["The cat sat on a mat"]),
    ("TextVectorization", {"output_mode": "multi_hot", "max_tokens": 10,
                           "pad_to_max_tokens": True}, SENTENCES, ["the cat sat"]),
]

PLAIN = (str, int, float, bool, type(None))


def plain(value):
    """JSON-friendly values: arrays to lists, bytes to str, tuples to lists."""
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.generic):
        return value.item()
    return value if isinstance(value, PLAIN) else repr(value)


def main():
    records = []
    for layer_name, init, adapt_data, inputs in CASES:
        layer = getattr(keras.layers, layer_name)(**init)
        if adapt_data is not None:
            layer.adapt(adapt_data)
        outputs = layer(inputs)
        config = layer.get_config()
        config.pop("dtype", None)
        records.append({"layer": layer_name, "init": plain(init), "adapt": adapt_data,
                        "inputs": inputs, "outputs": plain(outputs),
                        "vocabulary": plain(layer.get_vocabulary()),
                        "vocabulary_size": int(layer.vocabulary_size()),
                        "config": plain(config)})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "keras_preprocessing_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"keras_version": keras.__version__, "cases": records}, f,
                  ensure_ascii=False, indent=1)
    print(f"wrote {len(records)} cases to {path}")


if __name__ == "__main__":
    main()
