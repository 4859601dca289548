r"""Tiny models trained by full-batch gradient descent, for the book's experiments.

A model maps inputs :math:`X` (shape ``(n, d)``) to pre-activations :math:`A`
(shape ``(n, m)``): a linear model :math:`A = XW + b`, or a network with one hidden
layer :math:`A = g(XW_1 + b_1)W_2 + b_2` (:math:`g` is ``tanh`` or ReLU). An *output
head* turns :math:`A` into a prediction and scores it with a loss of the library
(:mod:`lossbook.losses`, gradients from :mod:`lossbook.gradients`; no loss formula is
re-derived here). The objective is the mean over the ``n`` examples of the loss of one
example, which sums over the ``m`` output columns:

.. math:: J(\theta) = \frac{1}{n} \sum_{i=1}^{n} \sum_{j=1}^{m} \ell(a_{ij}, t_{ij})

(for the softmax heads the sum over classes is inside the cross-entropy). For one
output column this is exactly the library's ``reduction="mean"``.

==================  ==================  =======================================  ======
head                output unit         loss of one example                      ``m``
==================  ==================  =======================================  ======
``"mse"``           linear              :math:`(a - y)^2`                        outputs
``"mae"``           linear              :math:`|a - y|`                          outputs
``"huber"``         linear              Huber with ``delta``                     outputs
``"gaussian_nll"``  linear (mean, log    :math:`\log\sigma + \frac12\log 2\pi     2
                    sigma)               + (y-\mu)^2 / (2\sigma^2)`
``"bce"``           sigmoid per column  binary cross-entropy from the logit      labels
``"sigmoid_mse"``   sigmoid per column  :math:`(\sigma(a) - y)^2`                labels
``"softmax_ce"``    softmax             softmax cross-entropy (soft targets,     classes
                                        ``label_smoothing``)
``"softmax_mse"``   softmax             squared error of the softmax, summed     classes
                                        over the classes
==================  ==================  =======================================  ======

``"gaussian_nll"`` is the negative log-likelihood of :math:`y \sim \mathcal N(\mu,
\sigma^2)` with :math:`\mu = a_{\cdot 1}` and :math:`\log \sigma = a_{\cdot 2}`; it is
assembled from :func:`lossbook.mse` and :func:`lossbook.mse_grad`
(:math:`(y-\mu)^2` and its derivative). Learning :math:`\log\sigma` keeps
:math:`\sigma > 0` without a constraint.

Training is plain full-batch gradient descent with a constant step,
:math:`\theta \leftarrow \theta - \eta \nabla J(\theta)`, from zeros (linear models)
or from a seeded normal draw (the network): no randomness after that, so two runs
give identical numbers. A :class:`TrainResult` holds the final parameters, the loss
at every iterate (``steps + 1`` values, the first at the initial parameters), the
norm of the gradient at every iterate, and for the classification heads the mean
*logit gap* (the margin: :math:`a_y - \max_{j \ne y} a_j` for softmax,
:math:`(2t - 1)a` for sigmoid columns, where a single sigmoid logit is compared with
the implicit logit 0 of the other class).

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 6.2
(output units) and 8.1; Bishop, *Pattern Recognition and Machine Learning* (2006),
sections 3.1, 4.3.2 and 4.3.4; Nix and Weigend, "Estimating the mean and variance of
the target probability distribution", ICNN 1994 (heteroscedastic regression).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import gradients as G
from . import losses as L
from ._validation import (
    as_float,
    as_labels,
    as_matrix,
    check_choice,
    check_count,
    check_fraction,
    check_pm1,
    check_positive,
    check_rows,
)
from .activations import sigmoid, softmax

__all__ = [
    "HEADS",
    "ACTIVATIONS",
    "Objective",
    "TrainResult",
    "linear_objective",
    "mlp_objective",
    "gradient_descent",
    "initial_params",
    "linear_regression",
    "gaussian_regression",
    "logistic_regression",
    "softmax_regression",
    "mlp",
    "blobs",
    "three_blobs",
    "multilabel_blobs",
    "RegressionData",
    "skewed_regression",
    "heteroscedastic_regression",
    "regression_with_outliers",
]

HEADS = ("mse", "mae", "huber", "gaussian_nll", "bce", "sigmoid_mse", "softmax_ce",
         "softmax_mse")
ACTIVATIONS = ("tanh", "relu")
_HALF_LOG_2PI = 0.5 * np.log(2 * np.pi)
_SOFTMAX_HEADS = ("softmax_ce", "softmax_mse")
_SIGMOID_HEADS = ("bce", "sigmoid_mse")


# ------------------------------------------------------------------------------ heads


def _head_value_grad(head: str, a: np.ndarray, t: np.ndarray, opts: dict):
    """``(J, dJ/dA)`` of the mean-over-examples objective for pre-activations ``a``."""
    n = a.shape[0]
    if head in ("mse", "mae", "huber"):
        loss, grad = {"mse": (L.mse, G.mse_grad), "mae": (L.mae, G.mae_grad),
                      "huber": (L.huber, G.huber_grad)}[head]
        kw = {"delta": opts["delta"]} if head == "huber" else {}
        return (float(loss(a, t, reduction="sum", **kw)) / n,
                grad(a, t, reduction="sum", **kw) / n)
    if head == "gaussian_nll":
        mu, log_sigma = a[:, 0], a[:, 1]
        with np.errstate(over="ignore"):  # sigma -> 0 diverges honestly: inf, no warning
            inv_var = np.exp(-2 * log_sigma)
        sq = L.mse(mu, t[:, 0], reduction="none")                  # (y - mu)^2
        value = log_sigma + _HALF_LOG_2PI + sq * inv_var / 2
        g = np.empty_like(a)
        g[:, 0] = G.mse_grad(mu, t[:, 0], reduction="none") * inv_var / 2
        g[:, 1] = 1 - sq * inv_var
        return float(value.sum()) / n, g / n
    if head == "bce":
        return (float(L.binary_cross_entropy_with_logits(a, t, reduction="sum")) / n,
                G.binary_cross_entropy_with_logits_grad(a, t, reduction="sum") / n)
    if head == "sigmoid_mse":
        p = sigmoid(a)
        return (float(L.mse(p, t, reduction="sum")) / n,
                G.mse_grad(p, t, reduction="sum") * G.sigmoid_grad(a) / n)
    if head == "softmax_ce":
        eps = opts["label_smoothing"]
        return (float(L.softmax_cross_entropy(a, t, label_smoothing=eps)),
                G.softmax_cross_entropy_grad(a, t, label_smoothing=eps))
    # softmax_mse: chain rule through the softmax Jacobian, dJ/da_j = sum_k dJ/ds_k J_kj
    s = softmax(a)
    ds = G.mse_grad(s, t, reduction="sum") / n
    return (float(L.mse(s, t, reduction="sum")) / n,
            np.einsum("nk,nkj->nj", ds, G.softmax_jacobian(a)))


def _head_output(head: str, a: np.ndarray) -> np.ndarray:
    if head in _SIGMOID_HEADS:
        return sigmoid(a)
    if head in _SOFTMAX_HEADS:
        return softmax(a)
    if head == "gaussian_nll":
        return np.stack([a[:, 0], np.exp(a[:, 1])], axis=1)
    return a


def _logit_gap(head: str, a: np.ndarray, t: np.ndarray) -> float:
    """Mean margin of the logits (see the module docstring); nan for regression heads."""
    if head in _SIGMOID_HEADS:
        return float(np.mean((2 * t - 1) * a))
    if head in _SOFTMAX_HEADS:
        y = t if t.ndim == 1 else np.argmax(t, axis=1)
        rows = np.arange(a.shape[0])
        true = a[rows, y]
        others = a.copy()
        others[rows, y] = -np.inf
        return float(np.mean(true - others.max(axis=1)))
    return float("nan")


def _targets(head: str, y, n: int, opts: dict):
    """Targets as the head needs them: ``(array, m, squeeze)``; ``squeeze`` says whether
    predictions drop their column axis (a 1-d ``y``)."""
    if head in _SOFTMAX_HEADS:
        raw = np.asarray(y)
        if raw.dtype.kind in "iu":
            labels = as_labels(raw, "y")
            if labels.ndim != 1:
                raise ValueError(f"y (class indices) must be 1-d; got shape {labels.shape}")
            check_rows(labels, n, "y", "X")
            k = opts["num_classes"] or (int(labels.max()) + 1 if labels.size else 1)
            if labels.size and (labels.min() < 0 or labels.max() >= k):
                raise ValueError(f"y must hold class indices in [0, {k - 1}]")
            if head == "softmax_ce":
                return labels, k, False
            onehot = np.zeros((n, k))
            onehot[np.arange(n), labels] = 1.0
            return onehot, k, False
        t = as_float(y, "y").astype(np.float64, copy=False)
        if t.ndim != 2:
            raise ValueError(f"y (distributions) must be 2-d (examples, classes); "
                             f"got shape {t.shape}")
        check_rows(t, n, "y", "X")
        return t, t.shape[1], False
    t = as_float(y, "y").astype(np.float64, copy=False)
    if t.ndim not in (1, 2):
        raise ValueError(f"y must be 1-d (one output) or 2-d (examples, outputs); "
                         f"got shape {t.shape}")
    check_rows(t, n, "y", "X")
    squeeze = t.ndim == 1
    t2 = t[:, None] if squeeze else t
    if head == "gaussian_nll":
        if t2.shape[1] != 1:
            raise ValueError("y must have one output for head 'gaussian_nll'")
        return t2, 2, False
    return t2, t2.shape[1], squeeze


# -------------------------------------------------------------------------- objective


@dataclass(frozen=True)
class Objective:
    r"""A training objective :math:`J(\theta)`: a model, an output head and the data.

    ``value(params)`` is :math:`J`; ``value_and_grad(params)`` returns :math:`J` and a
    dict of gradients shaped like ``params`` (zero where ``frozen`` is True);
    ``preactivations(params, X)`` is :math:`A`; ``predict(params, X)`` the output
    unit applied to it (the identity, a sigmoid per column, a softmax, or the columns
    ``(mean, sigma)`` for ``"gaussian_nll"``); ``logit_gap(params)`` the mean margin.
    Build one with :func:`linear_objective` or :func:`mlp_objective`.
    """

    kind: str                     # "linear" or "mlp"
    head: str
    X: np.ndarray
    target: np.ndarray
    outputs: int
    squeeze: bool
    options: dict = field(default_factory=dict)
    frozen: dict = field(default_factory=dict)

    def preactivations(self, params: dict, X=None) -> np.ndarray:
        X = self.X if X is None else as_matrix(X, "X")
        if self.kind == "linear":
            return X @ params["W"] + params["b"]
        return _activate(self.options["activation"], X @ params["W1"] + params["b1"]) \
            @ params["W2"] + params["b2"]

    def value(self, params: dict) -> float:
        return _head_value_grad(self.head, self.preactivations(params), self.target,
                                self.options)[0]

    def value_and_grad(self, params: dict):
        X = self.X
        if self.kind == "linear":
            a = X @ params["W"] + params["b"]
            value, ga = _head_value_grad(self.head, a, self.target, self.options)
            grads = {"W": X.T @ ga, "b": ga.sum(axis=0)}
        else:
            act = self.options["activation"]
            pre = X @ params["W1"] + params["b1"]
            h = _activate(act, pre)
            a = h @ params["W2"] + params["b2"]
            value, ga = _head_value_grad(self.head, a, self.target, self.options)
            gpre = (ga @ params["W2"].T) * _activate_grad(act, pre, h)
            grads = {"W1": X.T @ gpre, "b1": gpre.sum(axis=0),
                     "W2": h.T @ ga, "b2": ga.sum(axis=0)}
        for name, mask in self.frozen.items():
            grads[name] = np.where(mask, 0.0, grads[name])
        return value, grads

    def predict(self, params: dict, X=None) -> np.ndarray:
        out = _head_output(self.head, self.preactivations(params, X))
        return out[:, 0] if self.squeeze else out

    def logit_gap(self, params: dict) -> float:
        return _logit_gap(self.head, self.preactivations(params), self.target)

    def shapes(self) -> dict:
        d, m = self.X.shape[1], self.outputs
        if self.kind == "linear":
            return {"W": (d, m), "b": (m,)}
        h = self.options["hidden"]
        return {"W1": (d, h), "b1": (h,), "W2": (h, m), "b2": (m,)}


def _activate(name: str, pre: np.ndarray) -> np.ndarray:
    return np.tanh(pre) if name == "tanh" else np.maximum(pre, 0.0)


def _activate_grad(name: str, pre: np.ndarray, h: np.ndarray) -> np.ndarray:
    """tanh' = 1 - tanh^2; ReLU' = [pre > 0] (0 at the kink, a subgradient)."""
    return 1.0 - h * h if name == "tanh" else (pre > 0).astype(pre.dtype)


def _head_options(head, delta, label_smoothing, num_classes) -> dict:
    head = check_choice(head, HEADS, "head")
    opts = {"delta": check_positive(delta, "delta"),
            "label_smoothing": check_fraction(label_smoothing, "label_smoothing"),
            "num_classes": None if num_classes is None else check_count(num_classes,
                                                                        "num_classes", 1)}
    if opts["label_smoothing"] and head != "softmax_ce":
        raise ValueError("label_smoothing applies to head 'softmax_ce' only")
    return opts


def linear_objective(X, y, head: str = "mse", *, delta: float = 1.0,
                     label_smoothing: float = 0.0, num_classes: int | None = None,
                     frozen: dict | None = None) -> Objective:
    r"""The objective of the linear model :math:`A = XW + b` with an output ``head``.

    Shapes: ``X`` ``(n, d)``; ``y`` ``(n,)`` or ``(n, m)`` (real targets, or
    probabilities in [0, 1] for the sigmoid heads), integer class indices ``(n,)``
    or distributions ``(n, K)`` for the softmax heads. Parameters ``W`` ``(d, m)``
    and ``b`` ``(m,)``. ``frozen`` maps a parameter name to a boolean mask of entries
    held at their initial value.
    """
    X = as_matrix(X, "X")
    opts = _head_options(head, delta, label_smoothing, num_classes)
    t, m, squeeze = _targets(head, y, X.shape[0], opts)
    obj = Objective("linear", head, X, t, m, squeeze, opts)
    return _with_frozen(obj, frozen)


def mlp_objective(X, y, head: str = "bce", *, hidden: int = 8, activation: str = "tanh",
                  delta: float = 1.0, label_smoothing: float = 0.0,
                  num_classes: int | None = None) -> Objective:
    r"""The objective of a one-hidden-layer network :math:`A = g(XW_1 + b_1)W_2 + b_2`.

    ``g`` is ``"tanh"`` or ``"relu"``; ``hidden`` units. Shapes as in
    :func:`linear_objective`; parameters ``W1`` ``(d, hidden)``, ``b1``, ``W2``
    ``(hidden, m)``, ``b2``.
    """
    X = as_matrix(X, "X")
    opts = _head_options(head, delta, label_smoothing, num_classes)
    opts["hidden"] = check_count(hidden, "hidden", 1)
    opts["activation"] = check_choice(activation, ACTIVATIONS, "activation")
    t, m, squeeze = _targets(head, y, X.shape[0], opts)
    return Objective("mlp", head, X, t, m, squeeze, opts)


def _with_frozen(obj: Objective, frozen) -> Objective:
    if not frozen:
        return obj
    shapes, masks = obj.shapes(), {}
    for name, mask in frozen.items():
        if name not in shapes:
            raise ValueError(f"frozen names an unknown parameter {name!r}; "
                             f"known: {', '.join(shapes)}")
        mask = np.broadcast_to(np.asarray(mask, dtype=bool), shapes[name])
        masks[name] = mask
    return Objective(obj.kind, obj.head, obj.X, obj.target, obj.outputs, obj.squeeze,
                     obj.options, masks)


# ---------------------------------------------------------------------------- training


@dataclass(frozen=True)
class TrainResult:
    """What a training run returns.

    ``params``: the final parameters (dict of arrays); ``losses``: :math:`J` at every
    iterate, shape ``(steps + 1,)``, ``losses[0]`` at the initial parameters;
    ``grad_norms``: the Euclidean norm of the whole gradient at every iterate;
    ``logit_gaps``: the mean logit gap at every iterate (nan for regression heads);
    ``objective``: the :class:`Objective`, so ``result.predict(X)`` works.
    """

    params: dict
    losses: np.ndarray
    grad_norms: np.ndarray
    logit_gaps: np.ndarray
    objective: Objective
    lr: float

    def predict(self, X=None) -> np.ndarray:
        """The model's output at ``X`` (default: the training inputs)."""
        return self.objective.predict(self.params, X)

    def preactivations(self, X=None) -> np.ndarray:
        """The pre-activations (logits, or mean and log sigma) at ``X``."""
        return self.objective.preactivations(self.params, X)

    def __repr__(self) -> str:
        shapes = ", ".join(f"{k}{v.shape}" for k, v in self.params.items())
        return (f"TrainResult({self.objective.kind}/{self.objective.head}, {shapes}, "
                f"steps={len(self.losses) - 1}, loss {self.losses[0]:.4g} -> "
                f"{self.losses[-1]:.4g})")


def initial_params(objective: Objective, init=None, seed: int = 0, scale=None) -> dict:
    """Zeros for a linear model; for a network, ``W1`` and ``W2`` drawn from a normal
    with standard deviation ``1/sqrt(fan_in)`` (``scale`` overrides it) by
    ``numpy.random.default_rng(seed)``, biases zero. ``init`` (a dict) overrides any
    parameter; each given array must have the parameter's shape."""
    shapes = objective.shapes()
    params = {k: np.zeros(s) for k, s in shapes.items()}
    if objective.kind == "mlp":
        rng = np.random.default_rng(check_count(seed, "seed"))
        for name in ("W1", "W2"):
            fan_in = shapes[name][0]
            sd = (1 / np.sqrt(max(fan_in, 1))) if scale is None else scale
            params[name] = rng.normal(0.0, sd, size=shapes[name])
    for name, value in (init or {}).items():
        if name not in shapes:
            raise ValueError(f"init names an unknown parameter {name!r}; "
                             f"known: {', '.join(shapes)}")
        a = as_float(value, f"init[{name!r}]").astype(np.float64)
        if a.shape != shapes[name]:
            if a.size == int(np.prod(shapes[name])):
                a = a.reshape(shapes[name])
            else:
                raise ValueError(f"init[{name!r}] must have shape {shapes[name]}, "
                                 f"got {a.shape}")
        params[name] = a.copy()
    return params


def gradient_descent(objective: Objective, params: dict, *, lr: float = 0.1,
                     steps: int = 500) -> TrainResult:
    r"""``steps`` steps of :math:`\theta \leftarrow \theta - \eta \nabla J(\theta)`.

    ``params`` is copied, never modified. Records :math:`J`, :math:`\|\nabla J\|` and
    the mean logit gap at each of the ``steps + 1`` iterates.
    """
    lr = check_positive(lr, "lr")
    steps = check_count(steps, "steps")
    theta = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    losses = np.empty(steps + 1)
    norms = np.empty(steps + 1)
    gaps = np.empty(steps + 1)
    classify = objective.head in _SIGMOID_HEADS + _SOFTMAX_HEADS
    for it in range(steps + 1):
        value, grads = objective.value_and_grad(theta)
        losses[it] = value
        norms[it] = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        gaps[it] = objective.logit_gap(theta) if classify else np.nan
        if it < steps:
            for k in theta:
                theta[k] = theta[k] - lr * grads[k]
    return TrainResult(theta, losses, norms, gaps, objective, lr)


# ------------------------------------------------------------------- the named models


def linear_regression(X, y, loss: str = "mse", *, delta: float = 1.0, lr: float = 0.1,
                      steps: int = 500, init=None) -> TrainResult:
    r"""Linear regression :math:`\hat y = Xw + b` fitted by gradient descent on
    ``loss`` = ``"mse"`` (:math:`\frac1n\sum(\hat y_i - y_i)^2`), ``"mae"`` or
    ``"huber"`` (with ``delta``), from :math:`w = 0, b = 0`.

    Shapes: ``X`` ``(n, d)``, ``y`` ``(n,)``; ``params["W"]`` ``(d, 1)``,
    ``params["b"]`` ``(1,)``. With ``"mse"`` the minimiser solves the normal equations
    :math:`\tilde X^\top \tilde X \theta = \tilde X^\top y` (:math:`\tilde X = [X, 1]`).

    >>> r = linear_regression(np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 3.0, 5.0]),
    ...                       lr=0.3, steps=2000)
    >>> float(r.params["W"][0, 0].round(9)), float(r.params["b"][0].round(9))
    (2.0, 1.0)
    """
    check_choice(loss, ("mse", "mae", "huber"), "loss")
    obj = linear_objective(X, y, loss, delta=delta)
    return gradient_descent(obj, initial_params(obj, init), lr=lr, steps=steps)


def gaussian_regression(X, y, *, heteroscedastic: bool = True, lr: float = 0.05,
                        steps: int = 2000, init=None) -> TrainResult:
    r"""Regression by maximum likelihood under :math:`y \sim \mathcal N(\mu, \sigma^2)`,
    :math:`\mu = Xw + b`, learning the noise level as well:
    :math:`\log\sigma = Xv + c` (``heteroscedastic=True``) or a constant
    :math:`\log\sigma = c`. Minimises the mean Gaussian negative log-likelihood

    .. math:: \frac1n \sum_i \Bigl[\log\sigma_i + \tfrac12\log 2\pi
              + \frac{(y_i - \mu_i)^2}{2\sigma_i^2}\Bigr].

    Shapes: ``X`` ``(n, d)``, ``y`` ``(n,)``; ``params["W"]`` ``(d, 2)`` (columns:
    mean, log sigma), ``params["b"]`` ``(2,)``. ``predict`` gives ``(n, 2)``: the
    mean and :math:`\sigma`.
    """
    frozen = None if heteroscedastic else {"W": np.array([False, True])[None, :]}
    obj = linear_objective(X, y, "gaussian_nll", frozen=frozen)
    return gradient_descent(obj, initial_params(obj, init), lr=lr, steps=steps)


def logistic_regression(X, y, *, loss: str = "bce", lr: float = 0.5, steps: int = 500,
                        init=None) -> TrainResult:
    r"""Logistic regression: :math:`P(y = 1 \mid x) = \sigma(x^\top w + b)`, one logit,
    trained on ``loss`` = ``"bce"`` (binary cross-entropy from the logit, the
    Bernoulli negative log-likelihood) or ``"sigmoid_mse"`` (squared error of the
    probability).

    A 2-d ``y`` of shape ``(n, m)`` trains ``m`` sigmoid heads at once (one-vs-all or
    multi-label): the loss of an example is the *sum* of its ``m`` log losses.
    Shapes: ``X`` ``(n, d)``; ``y`` ``(n,)`` or ``(n, m)`` in [0, 1];
    ``params["W"]`` ``(d, m)``, ``params["b"]`` ``(m,)``.
    """
    check_choice(loss, _SIGMOID_HEADS, "loss")
    obj = linear_objective(X, y, loss)
    return gradient_descent(obj, initial_params(obj, init), lr=lr, steps=steps)


def softmax_regression(X, y, *, loss: str = "softmax_ce", label_smoothing: float = 0.0,
                       num_classes: int | None = None, lr: float = 0.5, steps: int = 500,
                       init=None) -> TrainResult:
    r"""Softmax (multinomial logistic) regression:
    :math:`P(y = k \mid x) = \operatorname{softmax}(x^\top W + b)_k`, trained on the
    softmax cross-entropy (categorical negative log-likelihood; soft targets and
    ``label_smoothing`` allowed) or on ``"softmax_mse"``.

    Shapes: ``X`` ``(n, d)``; ``y`` class indices ``(n,)`` (``num_classes``
    defaults to ``y.max() + 1``) or distributions ``(n, K)``; ``params["W"]``
    ``(d, K)``, ``params["b"]`` ``(K,)``. With ``d = 0`` (``X`` of shape ``(n, 0)``)
    the model is a free categorical distribution and its maximum-likelihood fit is
    the empirical class frequencies:

    >>> r = softmax_regression(np.zeros((4, 0)), np.array([0, 0, 0, 1]), lr=2.0, steps=2000)
    >>> r.predict()[0].round(6).tolist()
    [0.75, 0.25]
    """
    check_choice(loss, _SOFTMAX_HEADS, "loss")
    obj = linear_objective(X, y, loss, label_smoothing=label_smoothing,
                           num_classes=num_classes)
    return gradient_descent(obj, initial_params(obj, init), lr=lr, steps=steps)


def mlp(X, y, head: str = "bce", *, hidden: int = 8, activation: str = "tanh",
        delta: float = 1.0, label_smoothing: float = 0.0, num_classes: int | None = None,
        lr: float = 0.5, steps: int = 1000, seed: int = 0, init=None) -> TrainResult:
    r"""A network with one hidden layer, :math:`A = g(XW_1 + b_1)W_2 + b_2`, trained
    by gradient descent on ``head`` (any of :data:`HEADS`). Initial weights are drawn
    with ``seed`` (see :func:`initial_params`). Shapes as in :func:`mlp_objective`.
    """
    obj = mlp_objective(X, y, head, hidden=hidden, activation=activation, delta=delta,
                        label_smoothing=label_smoothing, num_classes=num_classes)
    return gradient_descent(obj, initial_params(obj, init, seed=seed), lr=lr, steps=steps)


# ------------------------------------------------------------------------- data sets


def blobs(centers=((-1.0, -1.0), (1.0, 1.0)), n_per_class: int = 50, spread: float = 1.0,
          seed: int = 0):
    r"""Gaussian blobs: ``n_per_class`` points around each centre, isotropic normal
    noise of standard deviation ``spread``, drawn by ``default_rng(seed)``.

    Returns ``(X, y)``: ``X`` ``(K * n_per_class, d)`` float64 and ``y`` integer
    labels ``0 .. K-1`` (class by class, in the order of ``centers``).
    """
    c = as_matrix(centers, "centers")
    n = check_count(n_per_class, "n_per_class", 1)
    spread = check_positive(spread, "spread")
    rng = np.random.default_rng(check_count(seed, "seed"))
    X = np.concatenate([ci + spread * rng.standard_normal((n, c.shape[1])) for ci in c])
    y = np.repeat(np.arange(len(c)), n)
    return X, y


def three_blobs(n_per_class: int = 50, spread: float = 0.8, seed: int = 0):
    """Three 2-d blobs with centres on a circle of radius 2 (angles 90, 210, 330 degrees)."""
    angles = np.deg2rad([90.0, 210.0, 330.0])
    centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return blobs(centers, n_per_class, spread, seed)


def multilabel_blobs(n_per_class: int = 40, spread: float = 0.6, seed: int = 0):
    r"""Multi-label data: the three blobs of :func:`three_blobs`, plus, between each
    pair of centres, ``n_per_class`` points that carry *both* labels.

    Returns ``(X, Y)``: ``X`` ``(6 * n_per_class, 2)`` and ``Y`` a 0/1 float matrix
    ``(6 * n_per_class, 3)`` with one or two ones per row.
    """
    X1, y1 = three_blobs(n_per_class, spread, seed)
    angles = np.deg2rad([90.0, 210.0, 330.0])
    centers = 2.0 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    pairs = [(0, 1), (1, 2), (0, 2)]
    mids = np.array([(centers[i] + centers[j]) / 2 for i, j in pairs])
    X2, which = blobs(mids, n_per_class, spread, seed + 1)
    Y = np.zeros((len(X1) + len(X2), 3))
    Y[np.arange(len(X1)), y1] = 1.0
    for row, w in enumerate(which):
        Y[len(X1) + row, list(pairs[w])] = 1.0
    return np.concatenate([X1, X2]), Y


@dataclass(frozen=True)
class RegressionData:
    """A 1-d regression data set: inputs ``x`` ``(n,)`` (use ``X = x[:, None]``),
    targets ``y``, and the true conditional ``mean``, ``median`` and ``sd`` of y at x."""

    x: np.ndarray
    y: np.ndarray
    mean: np.ndarray
    median: np.ndarray
    sd: np.ndarray

    @property
    def X(self) -> np.ndarray:
        return self.x[:, None]


def skewed_regression(n: int = 400, seed: int = 0) -> RegressionData:
    r"""Right-skewed noise: :math:`y = 1 + x/2 + s(x)\,E` with :math:`E \sim
    \operatorname{Exp}(1)`, :math:`s(x) = 0.5 + 0.5x`, :math:`x \sim U(0, 4)`.

    The conditional mean is :math:`1 + x/2 + s(x)` and the median
    :math:`1 + x/2 + s(x)\log 2`: they differ, and both are linear in x.
    """
    rng = np.random.default_rng(check_count(seed, "seed"))
    n = check_count(n, "n", 1)
    x = rng.uniform(0.0, 4.0, n)
    s = 0.5 + 0.5 * x
    line = 1.0 + 0.5 * x
    y = line + s * rng.exponential(1.0, n)
    return RegressionData(x, y, line + s, line + s * np.log(2.0), s)


def heteroscedastic_regression(n: int = 300, seed: int = 0) -> RegressionData:
    r"""Gaussian noise whose level grows with x: :math:`y = 2x - 1 + \sigma(x)\,Z`,
    :math:`\sigma(x) = e^{-1 + 1.2x}`, :math:`x \sim U(-1, 1.5)`, :math:`Z \sim
    \mathcal N(0, 1)`; :math:`\log\sigma` is linear in x, as the model assumes."""
    rng = np.random.default_rng(check_count(seed, "seed"))
    n = check_count(n, "n", 1)
    x = rng.uniform(-1.0, 1.5, n)
    sd = np.exp(-1.0 + 1.2 * x)
    mean = 2.0 * x - 1.0
    return RegressionData(x, mean + sd * rng.standard_normal(n), mean, mean, sd)


def regression_with_outliers(n: int = 60, n_outliers: int = 6, shift: float = 15.0,
                             seed: int = 0) -> RegressionData:
    r"""A line :math:`y = 1 + 2x` with :math:`\mathcal N(0, 0.3^2)` noise on ``n`` points,
    :math:`x \sim U(-1, 1)`; the ``n_outliers`` points with the largest x are moved up
    by ``shift`` (gross errors on one side, so a least-squares line tilts)."""
    rng = np.random.default_rng(check_count(seed, "seed"))
    n = check_count(n, "n", 1)
    k = check_count(n_outliers, "n_outliers")
    if k > n:
        raise ValueError(f"n_outliers must be <= n ({n}), got {k}")
    x = rng.uniform(-1.0, 1.0, n)
    clean = 1.0 + 2.0 * x
    y = clean + 0.3 * rng.standard_normal(n)
    y[np.argsort(x)[n - k:]] += shift
    return RegressionData(x, y, clean, clean, np.full(n, 0.3))


# ------------------------------------------------------ the linear SVM (hinge loss)


@dataclass(frozen=True)
class HingeObjective(Objective):
    r"""The L2-regularised hinge objective of a linear score :math:`s = x^\top w + b`:

    .. math:: J(w, b) = \frac{\lambda}{2}\lVert w\rVert^2
              + \frac1n \sum_{i=1}^{n} \max(0,\ 1 - t_i s_i),
              \qquad t_i \in \{-1, +1\}

    (the bias is not penalised). ``value_and_grad`` gives a *subgradient*: the hinge
    term contributes :math:`-t_i x_i / n` for every example with margin
    :math:`t_i s_i < 1` (:func:`lossbook.hinge_grad`, 0 at the kink), the penalty
    :math:`\lambda w`. ``predict`` returns the scores; ``logit_gap`` the mean margin
    :math:`t_i s_i`. Build one with :func:`hinge_objective`.
    """

    lam: float = 0.0

    def value(self, params: dict) -> float:
        return self.value_and_grad(params)[0]

    def value_and_grad(self, params: dict):
        s = (self.X @ params["W"] + params["b"])[:, 0]
        t = self.target
        W = params["W"]
        value = float(L.hinge(s, t, reduction="mean")) + self.lam / 2 * float(np.sum(W * W))
        g = G.hinge_grad(s, t, reduction="mean")
        return value, {"W": self.X.T @ g[:, None] + self.lam * W, "b": np.array([g.sum()])}

    def logit_gap(self, params: dict) -> float:
        return float(np.mean(self.target * self.preactivations(params)[:, 0]))


def hinge_objective(X, y, *, lam: float = 0.01) -> HingeObjective:
    r"""The objective of :class:`HingeObjective` for inputs ``X`` ``(n, d)`` and labels
    ``y`` ``(n,)`` in {-1, +1}; ``lam`` :math:`\lambda \ge 0`. Parameters ``W``
    ``(d, 1)`` and ``b`` ``(1,)``."""
    X = as_matrix(X, "X")
    t = as_float(y, "y").astype(np.float64, copy=False)
    if t.ndim != 1:
        raise ValueError(f"y must be 1-d (one label per example); got shape {t.shape}")
    check_rows(t, X.shape[0], "y", "X")
    check_pm1(t, "y")
    lam = float(lam)
    if not (np.isfinite(lam) and lam >= 0):
        raise ValueError(f"lam must be a finite number >= 0, got {lam}")
    return HingeObjective("linear", "hinge", X, t, 1, True, {}, {}, lam)


def linear_svm(X, y, *, lam: float = 0.01, lr: float = 1.0, steps: int = 2000,
               init=None) -> TrainResult:
    r"""A linear support vector machine: minimise the L2-regularised hinge objective
    (:class:`HingeObjective`) by subgradient descent from :math:`w = 0, b = 0`,

    .. math:: \theta_{k+1} = \theta_k - \frac{\eta}{\sqrt{k + 1}}\, g_k ,

    with :math:`g_k` the subgradient at :math:`\theta_k` and :math:`\eta` = ``lr``.
    A subgradient step need not lower :math:`J`, so the result's ``params`` are the
    iterate with the smallest :math:`J` seen (``losses`` and ``grad_norms`` record
    every iterate, as for :func:`gradient_descent`; ``losses.min()`` is the value at
    ``params``). The minimiser is the soft-margin SVM with :math:`C = 1/(\lambda n)`.

    Shapes: ``X`` ``(n, d)``; ``y`` ``(n,)`` in {-1, +1}; ``params["W"]`` ``(d, 1)``,
    ``params["b"]`` ``(1,)``; ``predict`` gives the scores ``(n,)``.

    References: Cortes and Vapnik, "Support-vector networks", Machine Learning 20
    (1995); Shalev-Shwartz et al., "Pegasos", Math. Programming 127 (2011).
    """
    obj = hinge_objective(X, y, lam=lam)
    lr = check_positive(lr, "lr")
    steps = check_count(steps, "steps")
    theta = initial_params(obj, init)
    losses, norms, gaps = np.empty(steps + 1), np.empty(steps + 1), np.empty(steps + 1)
    best, best_value = theta, np.inf
    for it in range(steps + 1):
        value, grads = obj.value_and_grad(theta)
        losses[it] = value
        norms[it] = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
        gaps[it] = obj.logit_gap(theta)
        if value < best_value:
            best, best_value = theta, value
        theta = {k: theta[k] - lr / np.sqrt(it + 1) * grads[k] for k in theta}
    return TrainResult(best, losses, norms, gaps, obj, lr)


__all__ += ["HingeObjective", "hinge_objective", "linear_svm"]
