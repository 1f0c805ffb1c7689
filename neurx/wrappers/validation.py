"""Input checks the scikit-learn wrappers share, done with scikit-learn's own validators.

`validate` is scikit-learn's `validate_data` (it records `n_features_in_` and
`feature_names_in_` at fit time and rejects NaN, complex, 1-D or wrongly sized `X` with
scikit-learn's messages); `check_fitted` raises `NotFittedError`;
`classification_targets` accepts labels or one-hot rows and rejects continuous targets.
"""
from __future__ import annotations

import numpy as np

try:
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d
    try:  # scikit-learn >= 1.6
        from sklearn.utils.validation import validate_data as _validate_data
    except ImportError:  # pragma: no cover - older scikit-learn
        def _validate_data(estimator, *args, **kwargs):
            return estimator._validate_data(*args, **kwargs)
except ImportError:  # pragma: no cover - the wrappers refuse to construct without it
    check_classification_targets = check_is_fitted = column_or_1d = _validate_data = None


def validate(estimator, X, y=None, reset: bool = True, y_numeric: bool = False):
    """Checks `X` (and `y` when given) as scikit-learn estimators do; returns them.

    `X` may have more than two dimensions (images); `y` may have several columns.

    >>> from sklearn.base import BaseEstimator
    >>> est = BaseEstimator()
    >>> validate(est, [[1, 2], [3, 4]]).shape, est.n_features_in_
    ((2, 2), 2)
    """
    if y is None:
        return _validate_data(estimator, X, reset=reset, allow_nd=True, dtype="numeric")
    return _validate_data(estimator, X, y, reset=reset, allow_nd=True, dtype="numeric",
                          multi_output=True, y_numeric=y_numeric)


def check_fitted(estimator) -> None:
    """Raises scikit-learn's `NotFittedError` when `fit` has not been called.

    >>> from neurx.wrappers.scikit_learn import KerasRegressor
    >>> check_fitted(KerasRegressor(lambda: None))
    Traceback (most recent call last):
    ...
    sklearn.exceptions.NotFittedError: This KerasRegressor instance is not fitted yet. ...
    """
    check_is_fitted(estimator, "model_")


def classification_targets(y) -> np.ndarray:
    """Class labels as a 1-D array (a column vector warns), or one-hot rows as given.

    >>> classification_targets(["b", "a"]).tolist()
    ['b', 'a']
    >>> classification_targets([0.5, 1.5])
    Traceback (most recent call last):
    ...
    ValueError: Unknown label type: continuous. ...
    """
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    check_classification_targets(y)
    return y


def validate_as(estimator, X, y="no_validation", reset: bool = True):
    """scikit-learn's checks for its linear models: 2-D float64 or float32 `X`, C order.

    Pass `y` (even None) when it is required: None then raises scikit-learn's
    "requires y to be passed" error.

    >>> from sklearn.base import BaseEstimator
    >>> validate_as(BaseEstimator(), [[1, 2]]).dtype
    dtype('float64')
    """
    return _validate_data(estimator, X, y, reset=reset, dtype=[np.float64, np.float32],
                          order="C")
