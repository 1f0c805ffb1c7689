"""`neurx.perceptron.Perceptron` against `sklearn.linear_model.Perceptron`."""
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_blobs
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Perceptron as SklearnPerceptron
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from neurx.perceptron import Perceptron

IRIS = load_iris()


@pytest.mark.parametrize("settings", [
    dict(max_iter=1000, tol=1e-3, random_state=42),
    dict(random_state=0),
    dict(random_state=7, shuffle=False, eta0=0.5),
    dict(random_state=3, penalty="l2", alpha=1e-3),
    dict(random_state=3, penalty="elasticnet", alpha=1e-3, l1_ratio=0.5),
    dict(random_state=5, early_stopping=True),
    dict(random_state=1, class_weight="balanced", fit_intercept=False),
])
@pytest.mark.parametrize("task", ["setosa", "three_classes"])
def test_same_results_as_sklearn(settings, task):
    X = IRIS.data[:, (2, 3)] if task == "setosa" else IRIS.data
    y = (IRIS.target == 0).astype(int) if task == "setosa" else IRIS.target
    ours = Perceptron(**settings).fit(X, y)
    reference = SklearnPerceptron(**settings).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), reference.predict(X))
    np.testing.assert_allclose(ours.coef_, reference.coef_, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(ours.intercept_, reference.intercept_, rtol=1e-9, atol=1e-9)
    assert ours.n_iter_ == reference.n_iter_ and ours.t_ == reference.t_
    np.testing.assert_allclose(ours.decision_function(X), reference.decision_function(X))


def test_converges_on_linearly_separable_data():
    X, y = make_blobs(n_samples=200, centers=[[-3, -3], [3, 3]], cluster_std=1.0, random_state=0)
    clf = Perceptron(tol=None, max_iter=50, random_state=0).fit(X, y)
    assert clf.score(X, y) == 1.0  # the perceptron convergence theorem
    assert clf.n_iter_ == 50


def test_partial_fit_is_one_epoch_and_needs_classes():
    X, y = IRIS.data[:, (2, 3)], (IRIS.target == 0).astype(int)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        Perceptron().partial_fit(X, y)
    ours = Perceptron(random_state=0).partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)
    reference = SklearnPerceptron(random_state=0).partial_fit(X, y, classes=[0, 1]).partial_fit(X, y)
    np.testing.assert_allclose(ours.coef_, reference.coef_)
    assert ours.t_ == reference.t_ == 301


def test_warns_when_max_iter_is_reached():
    X, y = IRIS.data, IRIS.target
    with pytest.warns(ConvergenceWarning, match="Maximum number of iteration reached"):
        Perceptron(max_iter=2, random_state=0).fit(X, y)


def test_clear_errors():
    X, y = IRIS.data[:, (2, 3)], (IRIS.target == 0).astype(int)
    with pytest.raises(ValueError, match="penalty must be None, 'l2', 'l1' or 'elasticnet'"):
        Perceptron(penalty="l3").fit(X, y)
    with pytest.raises(ValueError, match="eta0 must be > 0"):
        Perceptron(eta0=0).fit(X, y)
    with pytest.raises(ValueError, match="greater than one"):
        Perceptron().fit(X, np.zeros(len(X)))
    with pytest.raises(ValueError, match="Unknown label type"):
        Perceptron().fit(X, np.linspace(0, 1, len(X)))


def test_clone_pickle_and_grid_search():
    X, y = IRIS.data, IRIS.target
    clf = Perceptron(random_state=42).fit(X, y)
    assert clone(clf).get_params() == clf.get_params()
    np.testing.assert_array_equal(pickle.loads(pickle.dumps(clf)).predict(X), clf.predict(X))
    grid = GridSearchCV(Perceptron(random_state=0), {"eta0": [0.1, 1.0]}, cv=3).fit(X, y)
    assert grid.best_params_["eta0"] in (0.1, 1.0)


@parametrize_with_checks([Perceptron()], expected_failed_checks=lambda est: {
    "check_sample_weight_equivalence_on_dense_data":
        "sample-by-sample SGD: weighting is not repeating (scikit-learn's Perceptron fails it too)"})
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("n, seed", [(5, 42), (150, 1608637542), (17, 1)])
def test_shuffle_order_is_sklearn_datasets(n, seed):
    dataset_module = pytest.importorskip("sklearn.utils._seq_dataset")
    from neurx.wrappers.perceptron import _xorshift_permutation
    X = np.zeros((n, 1))
    dataset = dataset_module.ArrayDataset64(X, np.zeros(n), np.ones(n), seed=1)
    dataset._shuffle_py(seed)
    visited = [dataset._next_py()[-1] for _ in range(n)]
    assert visited == _xorshift_permutation(n, seed).tolist()
