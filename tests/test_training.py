"""lossbook.training: gradients, convergence to known optima, determinism, bad input."""

import numpy as np
import pytest
from scipy import stats

import lossbook as lb
from lossbook import training as T

RNG = np.random.default_rng(20240611)
X4 = RNG.normal(size=(12, 3))
Y_REAL = RNG.normal(size=12)
Y_REAL2 = RNG.normal(size=(12, 2))
Y_BIN = (RNG.uniform(size=12) < 0.5).astype(float)
Y_MULTI = (RNG.uniform(size=(12, 3)) < 0.5).astype(float)
Y_CLASS = RNG.integers(0, 4, size=12)
Y_DIST = RNG.dirichlet(np.ones(4), size=12)
HET = T.heteroscedastic_regression(n=100)

CASES = [
    ("mse", Y_REAL, {}), ("mse", Y_REAL2, {}), ("mae", Y_REAL, {}),
    ("huber", Y_REAL, {"delta": 0.7}), ("gaussian_nll", Y_REAL, {}),
    ("bce", Y_BIN, {}), ("bce", Y_MULTI, {}), ("sigmoid_mse", Y_MULTI, {}),
    ("softmax_ce", Y_CLASS, {}), ("softmax_ce", Y_DIST, {}),
    ("softmax_ce", Y_CLASS, {"label_smoothing": 0.2}), ("softmax_mse", Y_CLASS, {}),
]
IDS = [f"{h}-{np.asarray(y).ndim}d-{'-'.join(o) or 'plain'}" for h, y, o in CASES]


def _random_params(obj, seed=1):
    rng = np.random.default_rng(seed)
    return {k: rng.normal(scale=0.7, size=s) for k, s in obj.shapes().items()}


def _flat_check(obj, params):
    """Every parameter's analytic gradient against central differences."""
    _, grads = obj.value_and_grad(params)
    for name, g in grads.items():
        def f(v, name=name):
            return obj.value({**params, name: v})
        num = lb.numerical_grad(f, params[name])
        np.testing.assert_allclose(g, num, rtol=1e-6, atol=1e-8, err_msg=name)


@pytest.mark.parametrize("head,y,opts", CASES, ids=IDS)
def test_linear_gradient_matches_finite_differences(head, y, opts):
    obj = T.linear_objective(X4, y, head, **opts)
    _flat_check(obj, _random_params(obj))


@pytest.mark.parametrize("activation", T.ACTIVATIONS)
@pytest.mark.parametrize("head,y,opts", CASES, ids=IDS)
def test_mlp_gradient_matches_finite_differences(head, y, opts, activation):
    obj = T.mlp_objective(X4, y, head, hidden=5, activation=activation, **opts)
    _flat_check(obj, _random_params(obj, seed=2))


def test_gradient_at_the_default_start_matches():
    X, y = T.blobs(seed=3)
    for obj in (T.linear_objective(X, y, "softmax_ce"),
                T.mlp_objective(X, y.astype(float), "bce", hidden=4)):
        _flat_check(obj, T.initial_params(obj))


def test_frozen_entries_get_zero_gradient_and_stay():
    d = T.heteroscedastic_regression(n=50)
    r = T.gaussian_regression(d.X, d.y, heteroscedastic=False, steps=50)
    assert r.params["W"][0, 1] == 0.0
    _, g = r.objective.value_and_grad(r.params)
    assert g["W"][0, 1] == 0.0 and g["W"][0, 0] != 0.0


# -------------------------------------------------------------- loss values are the library's


def test_head_values_are_the_library_losses():
    obj = T.linear_objective(np.zeros((12, 0)), Y_REAL, "huber", delta=0.5)
    assert obj.value({"W": np.zeros((0, 1)), "b": np.array([0.3])}) == pytest.approx(
        float(lb.huber(np.full(12, 0.3), Y_REAL, delta=0.5)))
    obj = T.linear_objective(np.eye(12), Y_MULTI, "bce")
    W = RNG.normal(size=(12, 3))
    assert obj.value({"W": W, "b": np.zeros(3)}) == pytest.approx(
        3 * float(lb.binary_cross_entropy_with_logits(W, Y_MULTI)))
    obj = T.linear_objective(np.eye(12), Y_CLASS, "softmax_mse")
    W = RNG.normal(size=(12, 4))
    onehot = np.eye(4)[Y_CLASS]
    assert obj.value({"W": W, "b": np.zeros(4)}) == pytest.approx(
        float(np.mean(np.sum((lb.softmax(W) - onehot) ** 2, axis=1))))


def test_gaussian_nll_is_the_normal_log_density():
    mu, log_sigma = RNG.normal(size=12), RNG.normal(size=12)
    obj = T.linear_objective(np.eye(12), Y_REAL, "gaussian_nll")
    value = obj.value({"W": np.stack([mu, log_sigma], axis=1), "b": np.zeros(2)})
    expected = -np.mean(stats.norm.logpdf(Y_REAL, loc=mu, scale=np.exp(log_sigma)))
    assert value == pytest.approx(expected, rel=1e-12)


# ------------------------------------------------------------------------- known optima


def test_least_squares_matches_the_normal_equations():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + rng.normal(scale=0.5, size=80)
    r = T.linear_regression(X, y, "mse", lr=0.2, steps=3000)
    A = np.column_stack([X, np.ones(80)])
    theta = np.linalg.solve(A.T @ A, A.T @ y)
    np.testing.assert_allclose(np.r_[r.params["W"][:, 0], r.params["b"]], theta,
                               rtol=0, atol=1e-9)
    # a large Huber threshold is the MSE halved: the same minimiser
    h = T.linear_regression(X, y, "huber", delta=100.0, lr=0.4, steps=3000)
    np.testing.assert_allclose(np.r_[h.params["W"][:, 0], h.params["b"]], theta, atol=1e-9)


def test_softmax_mle_recovers_class_frequencies():
    labels = np.repeat([0, 1, 2, 3], [30, 12, 5, 3])
    r = T.softmax_regression(np.zeros((50, 0)), labels, lr=2.0, steps=3000)
    np.testing.assert_allclose(r.predict()[0], np.bincount(labels) / 50, atol=1e-9)
    # conditional on a categorical input: the frequencies within each group (Chen, 2.3)
    group = np.repeat([0, 1], 25)
    X = np.eye(2)[group]
    labels2 = np.r_[np.repeat([0, 1, 2], [15, 5, 5]), np.repeat([0, 1, 2], [2, 3, 20])]
    r2 = T.softmax_regression(X, labels2, lr=2.0, steps=5000)
    for g in (0, 1):
        freq = np.bincount(labels2[group == g], minlength=3) / 25
        np.testing.assert_allclose(r2.predict()[group == g][0], freq, atol=1e-6)


def test_label_smoothing_optimum_is_the_smoothed_frequencies():
    labels = np.repeat([0, 1, 2], [20, 0, 0])
    r = T.softmax_regression(np.zeros((20, 0)), labels, num_classes=3, label_smoothing=0.3,
                             lr=2.0, steps=3000)
    np.testing.assert_allclose(r.predict()[0], [0.8, 0.1, 0.1], atol=1e-9)


def test_gaussian_mle_is_mean_and_rms_deviation():
    y = np.random.default_rng(2).gamma(2.0, size=200)
    r = T.gaussian_regression(np.zeros((200, 0)), y, lr=0.2, steps=4000)
    mean, sigma = r.predict()[0]
    assert mean == pytest.approx(y.mean(), abs=1e-8)
    assert sigma == pytest.approx(y.std(), abs=1e-8)


def test_mae_fit_approaches_the_median():
    y = np.random.default_rng(4).exponential(size=101)
    r = T.linear_regression(np.zeros((101, 0)), y, "mae", lr=0.01, steps=20000)
    assert abs(r.params["b"][0] - np.median(y)) < 0.01
    assert abs(r.params["b"][0] - y.mean()) > 0.2


def test_two_logit_softmax_is_one_logit_with_twice_the_step():
    X, y = T.blobs(seed=5)
    two = T.softmax_regression(X, y, lr=0.3, steps=200)
    one = T.logistic_regression(X, y.astype(float), lr=0.6, steps=200)
    z = two.preactivations()
    np.testing.assert_allclose(z[:, 1] - z[:, 0], one.preactivations()[:, 0], atol=1e-12)
    np.testing.assert_allclose(two.losses, one.losses, atol=1e-12)
    np.testing.assert_allclose(two.logit_gaps, one.logit_gaps, atol=1e-12)


def test_heteroscedastic_fit_recovers_the_noise_model():
    d = T.heteroscedastic_regression(n=2000, seed=1)
    r = T.gaussian_regression(d.X, d.y, lr=0.05, steps=3000)
    W, b = r.params["W"][0], r.params["b"]
    assert W[0] == pytest.approx(2.0, abs=0.05) and b[0] == pytest.approx(-1.0, abs=0.05)
    assert W[1] == pytest.approx(1.2, abs=0.1) and b[1] == pytest.approx(-1.0, abs=0.1)


# ------------------------------------------------------------------ behaviour of training


@pytest.mark.parametrize("make", [
    lambda: T.linear_regression(X4, Y_REAL, "mse", steps=200),
    lambda: T.linear_regression(X4, Y_REAL, "huber", steps=200),
    lambda: T.gaussian_regression(X4, Y_REAL, heteroscedastic=False, steps=200),
    lambda: T.gaussian_regression(HET.X, HET.y, steps=200),
    lambda: T.logistic_regression(X4, Y_MULTI, steps=200),
    lambda: T.logistic_regression(X4, Y_BIN, loss="sigmoid_mse", steps=200),
    lambda: T.softmax_regression(X4, Y_CLASS, steps=200),
    lambda: T.softmax_regression(X4, Y_DIST, loss="softmax_mse", steps=200),
    lambda: T.mlp(X4, Y_BIN, steps=200),
    lambda: T.mlp(X4, Y_REAL, "mse", activation="relu", lr=0.05, steps=200),
    lambda: T.mlp(X4, Y_CLASS, "softmax_ce", lr=0.2, steps=200),
])
def test_loss_decreases_and_runs_are_identical(make):
    r, again = make(), make()
    assert r.losses[-1] < r.losses[0]
    assert np.all(np.diff(r.losses) <= 1e-12 * (1 + np.abs(r.losses[:-1])))  # small steps
    assert r.losses.shape == r.grad_norms.shape == r.logit_gaps.shape == (201,)
    np.testing.assert_array_equal(r.losses, again.losses)
    for k in r.params:
        np.testing.assert_array_equal(r.params[k], again.params[k])


def test_recorded_curves_are_values_at_the_iterates():
    r = T.logistic_regression(X4, Y_BIN, steps=3)
    assert r.losses[-1] == r.objective.value(r.params)
    _, g = r.objective.value_and_grad(r.params)
    assert r.grad_norms[-1] == pytest.approx(np.sqrt(sum(np.sum(v * v) for v in g.values())))
    assert r.logit_gaps[-1] == pytest.approx(np.mean((2 * Y_BIN - 1) * r.preactivations()[:, 0]))
    assert np.isnan(T.linear_regression(X4, Y_REAL, steps=2).logit_gaps).all()


def test_predict_shapes_and_units():
    assert T.linear_regression(X4, Y_REAL, steps=1).predict().shape == (12,)
    assert T.linear_regression(X4, Y_REAL2, steps=1).predict().shape == (12, 2)
    p = T.logistic_regression(X4, Y_MULTI, steps=5).predict(X4[:4])
    assert p.shape == (4, 3) and np.all((p > 0) & (p < 1))
    s = T.softmax_regression(X4, Y_CLASS, steps=5).predict()
    np.testing.assert_allclose(s.sum(axis=1), 1.0)
    g = T.gaussian_regression(X4, Y_REAL, steps=5).predict()
    assert g.shape == (12, 2) and np.all(g[:, 1] > 0)


def test_inputs_and_init_are_not_modified():
    X, y = X4.copy(), Y_CLASS.copy()
    init = {"W": np.ones((3, 4)), "b": np.zeros(4)}
    T.softmax_regression(X, y, steps=5, init=init)
    np.testing.assert_array_equal(X, X4)
    np.testing.assert_array_equal(y, Y_CLASS)
    np.testing.assert_array_equal(init["W"], np.ones((3, 4)))


def test_init_sets_the_start():
    r = T.logistic_regression(X4, Y_BIN, steps=0, init={"W": [1.0, 2.0, 3.0], "b": [0.5]})
    np.testing.assert_array_equal(r.preactivations()[:, 0], X4 @ [1.0, 2.0, 3.0] + 0.5)


def test_mlp_seed_changes_the_start_only_through_the_seed():
    a = T.mlp(X4, Y_BIN, steps=0, seed=1)
    b = T.mlp(X4, Y_BIN, steps=0, seed=2)
    assert not np.array_equal(a.params["W1"], b.params["W1"])
    np.testing.assert_array_equal(a.params["W1"], T.mlp(X4, Y_BIN, steps=0, seed=1).params["W1"])


# ------------------------------------------------------------------------------ data sets


def test_data_sets_are_deterministic_and_shaped():
    X, y = T.blobs(seed=0)
    assert X.shape == (100, 2) and y.tolist() == [0] * 50 + [1] * 50
    np.testing.assert_array_equal(X, T.blobs(seed=0)[0])
    assert not np.array_equal(X, T.blobs(seed=1)[0])
    X3, y3 = T.three_blobs(n_per_class=10)
    assert X3.shape == (30, 2) and set(y3.tolist()) == {0, 1, 2}
    Xm, Ym = T.multilabel_blobs(n_per_class=10)
    assert Xm.shape == (60, 2) and Ym.shape == (60, 3)
    assert sorted(set(Ym.sum(axis=1).tolist())) == [1.0, 2.0]
    for make in (T.skewed_regression, T.heteroscedastic_regression, T.regression_with_outliers):
        d, again = make(seed=3), make(seed=3)
        np.testing.assert_array_equal(d.y, again.y)
        assert d.X.shape == (len(d.y), 1)


def test_skewed_data_mean_and_median_are_as_stated():
    d = T.skewed_regression(n=200_000, seed=1)
    resid = (d.y - (1 + d.x / 2)) / d.sd  # Exp(1) draws
    assert resid.mean() == pytest.approx(1.0, abs=0.01)
    assert np.median(resid) == pytest.approx(np.log(2), abs=0.01)
    o = T.regression_with_outliers(n=60, n_outliers=6, shift=15.0)
    assert int(np.sum(o.y - o.mean > 10)) == 6


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("call,exc,words", [
    (lambda: T.linear_regression(np.ones(5), np.ones(5)), ValueError, "X must be a 2-d"),
    (lambda: T.linear_regression(X4, np.ones(11)), ValueError, "one row per example"),
    (lambda: T.linear_regression(X4, Y_REAL, "hinge"), ValueError, "loss must be one of"),
    (lambda: T.linear_objective(X4, Y_REAL, "cauchy"), ValueError, "head must be one of"),
    (lambda: T.linear_regression(X4, Y_REAL, lr=0), ValueError, "lr must be"),
    (lambda: T.linear_regression(X4, Y_REAL, lr=np.inf), ValueError, "lr must be"),
    (lambda: T.linear_regression(X4, Y_REAL, steps=-1), ValueError, "steps must be >= 0"),
    (lambda: T.linear_regression(X4, Y_REAL, steps=2.5), TypeError, "steps must be an integer"),
    (lambda: T.linear_regression(X4, Y_REAL, "huber", delta=0), ValueError, "delta"),
    (lambda: T.linear_regression(X4, ["a"] * 12), TypeError, "y must hold real numbers"),
    (lambda: T.linear_regression(X4, Y_REAL, init={"V": 1}), ValueError, "unknown parameter"),
    (lambda: T.linear_regression(X4, Y_REAL, init={"W": [1, 2]}), ValueError, "shape"),
    (lambda: T.logistic_regression(X4, Y_BIN + 1), ValueError, r"target .*must hold prob"),
    (lambda: T.logistic_regression(X4, Y_BIN, loss="softmax_ce"), ValueError, "loss"),
    (lambda: T.softmax_regression(X4, Y_CLASS, num_classes=3), ValueError, "class indices"),
    (lambda: T.softmax_regression(X4, Y_CLASS[:, None]), ValueError, "must be 1-d"),
    (lambda: T.softmax_regression(X4, Y_DIST * 2), ValueError, "distribution"),
    (lambda: T.softmax_regression(X4, Y_CLASS, label_smoothing=1.5), ValueError,
     "label_smoothing must lie"),
    (lambda: T.linear_objective(X4, Y_BIN, "bce", label_smoothing=0.1), ValueError,
     "label_smoothing applies"),
    (lambda: T.gaussian_regression(X4, Y_REAL2), ValueError, "one output"),
    (lambda: T.mlp(X4, Y_BIN, hidden=0), ValueError, "hidden must be >= 1"),
    (lambda: T.mlp(X4, Y_BIN, activation="sigmoid"), ValueError, "activation must be"),
    (lambda: T.linear_objective(X4, Y_REAL, frozen={"Q": True}), ValueError, "unknown"),
    (lambda: T.blobs(n_per_class=0), ValueError, "n_per_class"),
    (lambda: T.regression_with_outliers(n=5, n_outliers=6), ValueError, "n_outliers"),
])
def test_bad_input_is_named(call, exc, words):
    with pytest.raises(exc, match=words):
        call()


# ------------------------------------------------------------------- the linear SVM


def test_hinge_objective_subgradient_matches_finite_differences_off_the_kinks():
    rng = np.random.default_rng(11)
    X = rng.normal(size=(15, 3))
    t = np.where(rng.uniform(size=15) < 0.5, -1, 1)
    obj = T.hinge_objective(X, t, lam=0.3)
    params = {"W": rng.normal(size=(3, 1)), "b": np.array([0.2])}
    margins = t * obj.preactivations(params)[:, 0]
    assert np.min(np.abs(margins - 1)) > 1e-3  # no example at a kink: J is smooth here
    _flat_check(obj, params)
    assert obj.logit_gap(params) == pytest.approx(margins.mean())


def test_linear_svm_solves_the_soft_margin_problem():
    from sklearn.svm import SVC

    X, y = T.blobs(centers=((-1.5, -1.0), (1.5, 1.0)), n_per_class=20, spread=0.7, seed=3)
    t = 2 * y - 1
    lam = 0.01
    r = T.linear_svm(X, t, lam=lam, lr=1.0, steps=3000)
    ref = SVC(kernel="linear", C=1 / (lam * len(t)), tol=1e-12).fit(X, t)
    best = r.objective.value({"W": ref.coef_.T, "b": ref.intercept_})
    assert r.objective.value(r.params) == r.losses.min()
    assert 0 <= r.losses.min() - best < 1e-5
    np.testing.assert_allclose(r.params["W"][:, 0], ref.coef_[0], atol=2e-3)
    np.testing.assert_allclose(r.params["b"], ref.intercept_, atol=2e-3)
    # separable data, lam small enough: every margin >= 1 up to the solver's accuracy,
    # and the support vectors of the reference sit on the margin
    margins = t * r.predict()
    assert margins.min() > 1 - 5e-3
    np.testing.assert_allclose(margins[ref.support_], 1.0, atol=5e-3)
    again = T.linear_svm(X, t, lam=lam, lr=1.0, steps=3000)
    np.testing.assert_array_equal(r.losses, again.losses)


def test_linear_svm_bad_input_is_named():
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match=r"y must hold labels in \{-1, \+1\}"):
        T.linear_svm(X, [0, 1, 0, 1])
    with pytest.raises(ValueError, match="lam must be"):
        T.linear_svm(X, [1, -1, 1, -1], lam=-1.0)
    with pytest.raises(ValueError, match="one row per example"):
        T.linear_svm(X, [1, -1, 1])
    with pytest.raises(ValueError, match="lr must be"):
        T.linear_svm(X, [1, -1, 1, -1], lr=0)
