"""The implementation of `neurx.perceptron.Perceptron` (loaded on first use: it imports
scikit-learn). Rosenblatt's perceptron with scikit-learn's interface and results.

A layer of threshold logic units (TLUs): each output is `heaviside(x · w + b)`, one unit
for a binary task and one per class (one-vs-rest) otherwise. Training is the perceptron
rule, one sample at a time: `w ← w + η (y − ŷ) x` (and `b ← b + η (y − ŷ)`), with the
samples visited in the order scikit-learn's `SGDClassifier(loss="perceptron")` visits
them (its xorshift Fisher-Yates shuffle, seeded from `random_state` as scikit-learn seeds
it), so that for the same settings and seed `coef_`, `intercept_` and the predictions
are scikit-learn's. A sample whose score is exactly 0 counts as misclassified, as in
scikit-learn (its hinge loss at threshold 0). Stopping follows scikit-learn too: after
`n_iter_no_change` epochs whose mean loss did not fall by `tol` (or whose validation
accuracy did not rise by `tol` with `early_stopping=True`), or after `max_iter` epochs.

Each epoch is one jitted `lax.scan` over the samples, computed in float64 (the dtype
scikit-learn uses for float64 data).
"""
from __future__ import annotations

import warnings

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from neurx.activations import heaviside
from neurx.wrappers.model_state import BaseEstimator, ClassifierMixin, require_sklearn

try:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import StratifiedShuffleSplit
    from sklearn.utils import check_random_state
    from sklearn.utils.class_weight import compute_class_weight
    from sklearn.utils.validation import check_is_fitted

    from neurx.wrappers.validation import classification_targets, validate_as
except ImportError:  # pragma: no cover - Perceptron refuses to construct without it
    ConvergenceWarning = UserWarning

_MAX_INT = np.iinfo(np.int32).max
_PENALTIES = {None: 0, "l2": 2, "l1": 1, "elasticnet": 3}


def _xorshift_permutation(n: int, seed: int) -> np.ndarray:
    """The Fisher-Yates permutation scikit-learn's `ArrayDataset.shuffle(seed)` applies.

    >>> _xorshift_permutation(5, 42).tolist()
    [2, 1, 0, 3, 4]
    """
    state = int(seed) & 0xFFFFFFFF or 1
    perm = np.arange(n)
    for i in range(n - 1):
        state ^= (state << 13) & 0xFFFFFFFF
        state ^= state >> 17
        state ^= (state << 5) & 0xFFFFFFFF
        j = i + (state % 0x80000000) % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
    return perm


def tlu_training_output(scores, y):
    """ŷ of the perceptron rule: the TLU's output, with a score of exactly 0 counted wrong.

    >>> tlu_training_output(jnp.array([0.0, 0.0, 2.0]), jnp.array([1.0, 0.0, 1.0])).tolist()
    [0.0, 1.0, 1.0]
    """
    return jnp.where(y > 0, 1.0 - heaviside(-scores), heaviside(scores))


def _epoch(carry, X, y, weight, mask, order, eta, alpha, l1_ratio, penalty, fit_intercept):
    """One pass of the perceptron rule over the samples in `order` (a jitted scan)."""
    def step(state, i):
        w, b, q, u, objective = state
        x = X[i]
        score = jnp.dot(x, w) + b
        loss = jnp.maximum(0.0, -(2.0 * y[i] - 1.0) * score)
        if penalty:
            loss = loss + alpha * ((1 - l1_ratio) * 0.5 * jnp.dot(w, w)
                                   + l1_ratio * jnp.sum(jnp.abs(w)))
        update = eta * (y[i] - tlu_training_output(score, y[i])) * weight[i]
        new_w = w
        if penalty >= 2:
            new_w = new_w * jnp.maximum(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha)
        new_w = new_w + update * x
        new_b = b + update if fit_intercept else b
        new_q, new_u = q, u
        if penalty in (1, 3):
            new_u = u + l1_ratio * eta * alpha
            z = new_w
            new_w = jnp.where(z > 0, jnp.maximum(0.0, z - (new_u + q)),
                              jnp.where(z < 0, jnp.minimum(0.0, z + (new_u - q)), z))
            new_q = q + (new_w - z)
        keep = mask[i]
        new_state = tuple(jnp.where(keep, new, old) for new, old in
                          zip((new_w, new_b, new_q, new_u), (w, b, q, u)))
        return new_state + (objective + jnp.where(keep, loss, 0.0),), None

    (w, b, q, u, objective), _ = lax.scan(step, carry + (jnp.zeros((), X.dtype),), order)
    return (w, b, q, u), objective


_epoch_jit = jax.jit(_epoch, static_argnames=("penalty", "fit_intercept"))


class Perceptron(ClassifierMixin, BaseEstimator):
    """Linear perceptron classifier: `sklearn.linear_model.Perceptron`, built on TLUs.

    Args:
        penalty: None, "l2", "l1" or "elasticnet" (regularization, as in scikit-learn).
        alpha: Regularization strength (used with a penalty).
        l1_ratio: Elastic-net mixing (0 = L2, 1 = L1).
        fit_intercept: Whether to learn the bias `intercept_`.
        max_iter: Maximum number of epochs.
        tol: Stop when the epoch's mean loss has not fallen by `tol` for `n_iter_no_change`
            epochs (None: run `max_iter` epochs).
        shuffle: Shuffle the samples before each epoch.
        verbose: Print one line per epoch when > 0.
        eta0: The learning rate η of the perceptron rule.
        n_jobs: Accepted for compatibility; the one-vs-rest units train one after another.
        random_state: Seed (or `RandomState`) of the shuffling, as in scikit-learn.
        early_stopping: Stop on a held-out validation accuracy instead of the loss.
        validation_fraction: The held-out fraction with `early_stopping`.
        n_iter_no_change: Epochs without improvement before stopping.
        class_weight: None, "balanced" or a dict `{label: weight}`.
        warm_start: Start `fit` from the previous `coef_`/`intercept_`.

    Attributes: `coef_` (n_units, n_features), `intercept_` (n_units,), `classes_`,
    `n_iter_` (epochs run), `t_` (weight updates + 1), `n_features_in_`.

    Example (the notes' iris task: petal length and width, setosa or not):
    >>> from neurx.perceptron import Perceptron
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> iris = load_iris()
    >>> X = iris.data[:, (2, 3)]
    >>> y = (iris.target == 0).astype(int)
    >>> per_clf = Perceptron(max_iter=1000, tol=1e-3, random_state=42)
    >>> per_clf.fit(X, y).predict([[2, 0.5]]).tolist()
    [1]
    """

    def __init__(self, *, penalty=None, alpha=0.0001, l1_ratio=0.15, fit_intercept=True,
                 max_iter=1000, tol=1e-3, shuffle=True, verbose=0, eta0=1.0, n_jobs=None,
                 random_state=0, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=5, class_weight=None, warm_start=False):
        require_sklearn("Perceptron")
        self.penalty = penalty
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.max_iter = max_iter
        self.tol = tol
        self.shuffle = shuffle
        self.verbose = verbose
        self.eta0 = eta0
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.class_weight = class_weight
        self.warm_start = warm_start

    # ------------------------------------------------------------------ fitting
    def fit(self, X, y, coef_init=None, intercept_init=None, sample_weight=None):
        """Trains the TLUs with the perceptron rule; returns self."""
        self._check_settings()
        X, y = validate_as(self, X, y, reset=True)
        y = classification_targets(y)
        if self.warm_start and hasattr(self, "coef_"):
            coef_init = self.coef_ if coef_init is None else coef_init
            intercept_init = self.intercept_ if intercept_init is None else intercept_init
        self.classes_ = np.unique(y)
        self.t_ = 1.0
        self._train(X, y, sample_weight, coef_init, intercept_init, int(self.max_iter))
        if self.tol is not None and self.tol > -np.inf and self.n_iter_ == self.max_iter:
            warnings.warn("Maximum number of iteration reached before convergence. Consider "
                          "increasing max_iter to improve the fit.", ConvergenceWarning,
                          stacklevel=2)
        return self

    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch of the perceptron rule on `(X, y)`; `classes` is needed on the first call."""
        self._check_settings()
        first = not hasattr(self, "classes_")
        X, y = validate_as(self, X, y, reset=first)
        y = classification_targets(y)
        if first:
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit: "
                                 "the labels of every class, e.g. classes=np.unique(y_all).")
            self.classes_ = np.unique(classes)
            self.t_ = 1.0
        unseen = np.setdiff1d(np.unique(y), self.classes_)
        if unseen.size:
            raise ValueError(f"`y` has classes not in `self.classes_`: {unseen.tolist()}; "
                             f"classes_ is {self.classes_.tolist()}.")
        coef = getattr(self, "coef_", None)
        self._train(X, y, sample_weight, coef, getattr(self, "intercept_", None), 1)
        return self

    def _check_settings(self):
        if self.penalty not in _PENALTIES:
            raise ValueError(f"penalty must be None, 'l2', 'l1' or 'elasticnet'. Received: "
                             f"penalty={self.penalty!r}.")
        if not self.eta0 > 0:
            raise ValueError(f"eta0 must be > 0 (the perceptron rule's step). Received: "
                             f"eta0={self.eta0!r}.")
        if int(self.max_iter) < 1:
            raise ValueError(f"max_iter must be >= 1. Received: max_iter={self.max_iter!r}.")
        if self.early_stopping and not 0 < self.validation_fraction < 1:
            raise ValueError("validation_fraction must be in (0, 1). Received: "
                             f"validation_fraction={self.validation_fraction!r}.")

    def _train(self, X, y, sample_weight, coef_init, intercept_init, max_iter):
        n_classes = len(self.classes_)
        if n_classes < 2:
            raise ValueError("The number of classes has to be greater than one; got 1 class "
                             f"({self.classes_[0]!r}).")
        units = 1 if n_classes == 2 else n_classes
        coef, intercept = self._initial_parameters(X.shape[1], units, coef_init, intercept_init)
        sample_weight = (np.ones(len(X), X.dtype) if sample_weight is None
                         else np.asarray(sample_weight, X.dtype).reshape(-1))
        if sample_weight.shape[0] != len(X):
            raise ValueError(f"sample_weight has {sample_weight.shape[0]} values for "
                             f"{len(X)} samples.")
        if not np.any(sample_weight):
            raise ValueError("Sample weights must contain at least one non-zero number.")
        class_weight = compute_class_weight(self.class_weight, classes=self.classes_, y=y)
        validation = self._validation_mask(y, sample_weight > 0)
        if units == 1:
            seeds = [self.random_state]
            positives = [self.classes_[1]]
            weights = [(class_weight[1], class_weight[0])]
        else:
            seeds = check_random_state(self.random_state).randint(_MAX_INT, size=n_classes)
            positives = list(self.classes_)
            weights = [(class_weight[k], 1.0) for k in range(n_classes)]
        n_iters = []
        for k in range(units):
            targets = (y == positives[k]).astype(X.dtype)
            unit_weight = np.where(targets > 0, *weights[k]) * sample_weight
            coef[k], intercept[k], n_iter = self._train_unit(
                X, targets, unit_weight.astype(X.dtype), sample_weight, validation, coef[k],
                intercept[k], seeds[k], max_iter)
            n_iters.append(n_iter)
        self.coef_, self.intercept_ = coef, intercept
        self.n_iter_ = max(n_iters)
        self.t_ += self.n_iter_ * X.shape[0]

    def _initial_parameters(self, n_features, units, coef_init, intercept_init):
        coef = np.zeros((units, n_features), np.float64)
        intercept = np.zeros(units, np.float64)
        if coef_init is not None:
            coef_init = np.asarray(coef_init, np.float64).reshape(units, -1) \
                if np.size(coef_init) == units * n_features else np.asarray(coef_init)
            if coef_init.shape != (units, n_features):
                raise ValueError(f"Provided coef_init does not match the dataset: expected "
                                 f"shape {(units, n_features)}, got {coef_init.shape}.")
            coef[:] = coef_init
        if intercept_init is not None:
            intercept_init = np.asarray(intercept_init, np.float64).reshape(-1)
            if intercept_init.shape != (units,):
                raise ValueError(f"Provided intercept_init does not match the dataset: "
                                 f"expected shape {(units,)}, got {intercept_init.shape}.")
            intercept[:] = intercept_init
        return coef, intercept

    def _validation_mask(self, y, sample_mask):
        mask = np.zeros(len(y), bool)
        if not self.early_stopping:
            return mask
        splitter = StratifiedShuffleSplit(test_size=self.validation_fraction,
                                          random_state=self.random_state)
        _, held_out = next(splitter.split(np.zeros((len(y), 1)), y))
        mask[held_out] = True
        if not mask.any() or mask.all() or not sample_mask[mask].any():
            raise ValueError(f"Splitting {len(y)} samples into a train set and a validation "
                             f"set with validation_fraction={self.validation_fraction} "
                             "leaves one of them empty; use more data or a larger fraction.")
        return mask

    def _train_unit(self, X, targets, weight, sample_weight, validation, w, b,
                    random_state, max_iter):
        """Trains one TLU (targets 0/1) as scikit-learn's `fit_binary` does; returns w, b, epochs."""
        rng = check_random_state(random_state)
        rng.randint(1, _MAX_INT)  # scikit-learn's dataset draws its own seed first
        seed = rng.randint(_MAX_INT)
        step = _xorshift_permutation(len(X), seed) if self.shuffle else np.arange(len(X))
        order = np.arange(len(X))
        train_count = int((~validation).sum())
        tol = -np.inf if self.tol is None else float(self.tol)
        best_objective, best_score, stalled = np.inf, -np.inf, 0
        penalty = _PENALTIES[self.penalty]
        l1_ratio = {0: 0.0, 2: 0.0, 1: 1.0}.get(penalty, float(self.l1_ratio))
        with jax.enable_x64(True):
            dtype = X.dtype
            carry = (jnp.asarray(w, dtype), jnp.asarray(b, dtype),
                     jnp.zeros(X.shape[1], dtype), jnp.zeros((), dtype))
            data = (jnp.asarray(X), jnp.asarray(targets), jnp.asarray(weight),
                    jnp.asarray(~validation))
            for epoch in range(max_iter):
                if self.shuffle:
                    order = order[step]
                carry, objective = _epoch_jit(carry, *data, jnp.asarray(order), float(self.eta0),
                                              float(self.alpha), l1_ratio, penalty=penalty,
                                              fit_intercept=bool(self.fit_intercept))
                w_now, b_now = np.asarray(carry[0]), float(carry[1])
                if not (np.isfinite(w_now).all() and np.isfinite(b_now)):
                    raise ValueError(f"Floating-point under-/overflow occurred at epoch #{epoch + 1}. "
                                     "Scaling input data with StandardScaler or MinMaxScaler "
                                     "might help.")
                if self.early_stopping:
                    correct = (X[validation] @ w_now + b_now > 0) == (targets[validation] > 0)
                    score = np.average(correct, weights=sample_weight[validation])
                    improved = not score < best_score + tol
                    best_score = max(best_score, score)
                else:
                    mean = float(objective) / train_count
                    improved = not mean > best_objective - tol
                    best_objective = min(best_objective, mean)
                    if self.verbose:
                        print(f"-- Epoch {epoch + 1}\nNorm: {np.linalg.norm(w_now):.2f}, "
                              f"Bias: {b_now:.6f}, Avg. loss: {mean:.6f}")
                stalled = 0 if improved else stalled + 1
                if stalled >= self.n_iter_no_change:
                    break
        return np.asarray(carry[0], np.float64), float(carry[1]), epoch + 1

    # ------------------------------------------------------------------ prediction
    def decision_function(self, X) -> np.ndarray:
        """`X · coef_ᵀ + intercept_`: one score per TLU (raveled for a binary task)."""
        check_is_fitted(self, "coef_")
        X = validate_as(self, X, reset=False)
        scores = X @ self.coef_.T + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores

    def predict(self, X) -> np.ndarray:
        """The class of each sample: the firing TLU (binary) or the highest score (one-vs-rest)."""
        scores = self.decision_function(X)
        if scores.ndim == 1:
            with jax.enable_x64(True):
                fires = 1.0 - heaviside(-jnp.asarray(scores))  # fires iff score > 0
            return self.classes_[np.asarray(fires).astype(int)]
        return self.classes_[scores.argmax(axis=1)]

    def densify(self):
        """Kept for scikit-learn compatibility: `coef_` is always dense here; returns self."""
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags


Perceptron.__module__ = "neurx.perceptron"  # its public home (pickles refer to it there)
