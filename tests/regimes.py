"""The accuracy regimes of issue 9, defined once: what the inputs look like, the
exact result (mpmath, through :mod:`oracles`) and how the error is measured.

Used by the property tests (``tests/test_accuracy_regimes.py``, which draw the
parameters with hypothesis) and by the measured table
(``benchmarks/accuracy.py``, which draws them with a seeded numpy generator). The
builders below are plain functions of the parameters, so both draw from the same
regime.

Two measures:

- ``"relative"``: ulps of the exact result (``oracles.ulp_error``; a subnormal or
  zero result is measured in units of the smallest subnormal);
- ``"backward"``: for results that are ill-conditioned in the inputs, the error
  in ulps of the magnitude of the quantities that cancel (the row's largest
  ``|x|`` for a log-sum-exp that cancels to about 0; ``max(t, sigmoid(z))`` for
  ``sigmoid(z) - t``), and never less than the result's own size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import oracles as O

DTYPES = (np.float64, np.float32)
# The target of issue 9, for every regime, dtype and output entry.
ULP_TARGET = 8.0


# ---------------------------------------------------------------- builders
def far_below_rows(m, gaps, pos, dtype):
    """Rows whose maximum ``m[i]`` sits at column ``pos[i]`` and whose other entries
    are ``m[i] - gaps[i, :]`` (gaps > 0): ``[0, -40, -41]`` is ``m = 0, gaps = [40, 41]``."""
    m, gaps = np.asarray(m, np.float64), np.asarray(gaps, np.float64)
    n, k = gaps.shape[0], gaps.shape[1] + 1
    rows = np.empty((n, k))
    for i in range(n):
        others = list(m[i] - gaps[i])
        rows[i] = others[: pos[i] % k] + [m[i]] + others[pos[i] % k :]
    return rows.astype(dtype)


def cancelling_rows(p, m_shift, dtype):
    """Two-entry rows ``[log p, log(1 - p)] + m_shift``: their log-sum-exp is about
    ``m_shift`` (0 when the shift is 0), with a negative maximum: it cancels."""
    p = np.asarray(p, np.float64)
    return (np.stack([np.log(p), np.log1p(-p)], axis=1) + np.asarray(m_shift)[:, None]).astype(
        dtype
    )


def confident_rows(base, labels, margin, dtype):
    """Rows ``base`` with the label's entry raised to ``margin`` above the row's
    maximum: every row confident and correct."""
    x = np.array(base, dtype=np.float64)
    r = np.arange(len(x))
    x[r, labels] = x.max(axis=1) + margin
    return x.astype(dtype)


def near_pairs(delta, sign, dtype):
    """``p = (0.3, 0.7)`` and ``q = p + sign * delta * (1, -1)``."""
    p = np.broadcast_to(np.array([0.3, 0.7]), (len(delta), 2))
    q = p + (np.asarray(sign) * np.asarray(delta))[:, None] * np.array([1.0, -1.0])
    return p.astype(dtype), q.astype(dtype)


def renormalised_pairs(p, eps, dtype):
    """Dirichlet-like ``p`` (rows) and ``q = p (1 + eps)`` renormalised, both rounded
    to ``dtype`` (so neither sums to 1 exactly)."""
    p = np.asarray(p, np.float64)
    q = p * (1 + np.asarray(eps, np.float64))
    q /= q.sum(axis=1, keepdims=True)
    return p.astype(dtype), q.astype(dtype)


def one_hot_pairs(k, y, delta, dtype):
    """One-hot ``p`` at ``y`` and ``q`` with ``q_y = 1 - delta``, the rest spread evenly."""
    n = len(y)
    p = np.zeros((n, k))
    p[np.arange(n), y] = 1
    q = np.broadcast_to((np.asarray(delta) / (k - 1))[:, None], (n, k)).copy()
    q[np.arange(n), y] = 1 - np.asarray(delta)
    return p.astype(dtype), q.astype(dtype)


# ---------------------------------------------------------------- samplers (numpy)
def _gap_range(dtype):
    return (10.0, 90.0)


def _far(rng, dtype, n, k=3, m=None):
    lo, hi = _gap_range(dtype)
    mm = rng.uniform(-100, 100, n) if m is None else np.full(n, float(m))
    if m is None:
        mm[rng.random(n) < 0.25] = 0.0
    x = far_below_rows(mm, rng.uniform(lo, hi, (n, k - 1)), rng.integers(0, k, n), dtype)
    return x, x.argmax(axis=1)


def _random(rng, dtype, n, scale, k=8):
    x = (rng.standard_normal((n, k)) * scale).astype(dtype)
    return x, rng.integers(0, k, n)


def _confident(rng, dtype, n, k=1000):
    y = rng.integers(0, k, n)
    x = confident_rows(rng.standard_normal((n, k)) * 3, y, rng.uniform(5, 30, n), dtype)
    return x, y


def _bce_binary(rng, dtype, n):
    return rng.uniform(-800, 800, n).astype(dtype), rng.integers(0, 2, n).astype(dtype)


def _bce_soft(rng, dtype, n):
    return rng.uniform(-800, 800, n).astype(dtype), rng.uniform(0, 1, n).astype(dtype)


def _bce_near_one(rng, dtype, n):
    kmax = 52 if np.dtype(dtype) == np.float64 else 23
    t = 1 - 2.0 ** -rng.integers(1, kmax + 1, n)
    return rng.uniform(-800, 800, n).astype(dtype), t.astype(dtype)


def _delta_range(dtype):
    """Exponents of the distance between q and p: 1e-12..1e-4 in float64; float32
    cannot hold q - p below about 1e-7 (it rounds q to p), so 1e-7..1e-2 there."""
    return (-12.0, -4.0) if np.dtype(dtype) == np.float64 else (-7.0, -2.0)


def _near(rng, dtype, n):
    lo, hi = _delta_range(dtype)
    return near_pairs(10.0 ** rng.uniform(lo, hi, n), rng.choice([-1.0, 1.0], n), dtype)


def _renormalised(rng, dtype, n, k=5):
    lo, hi = _delta_range(dtype)
    p = rng.dirichlet(np.ones(k), n)
    eps = rng.standard_normal((n, k)) * 10.0 ** rng.uniform(lo, hi, (n, 1))
    return renormalised_pairs(p, eps, dtype)


def _independent(rng, dtype, n, k=5):
    p, q = rng.dirichlet(np.ones(k), n), rng.dirichlet(np.ones(k), n)
    return p.astype(dtype), q.astype(dtype)


def _one_hot(rng, dtype, n, k=4):
    lo, hi = _delta_range(dtype)
    return one_hot_pairs(k, rng.integers(0, k, n), 10.0 ** rng.uniform(lo, hi, n), dtype)


def _cancelling(rng, dtype, n):
    return (cancelling_rows(rng.uniform(0.01, 0.99, n), np.zeros(n), dtype),)


# ---------------------------------------------------------------- exact values
def _rows(f, x):
    return np.array([f(r) for r in x], dtype=object)


def exact(function: str, *args):
    """Exact results (object array of mpf) of ``function`` at the regime's inputs."""
    if function == "logsumexp":
        return _rows(O.logsumexp, args[0])
    if function == "log_softmax":
        return _rows(O.log_softmax, args[0])
    if function == "softmax":
        return _rows(O.softmax, args[0])
    if function == "softmax_cross_entropy":
        x, y = args
        return np.array([O.softmax_ce1(r, int(c)) for r, c in zip(x, y, strict=True)],
                        dtype=object)
    if function == "softmax_cross_entropy_grad":
        x, y = args
        return np.array([O.softmax_ce_grad_row(r, int(c)) for r, c in zip(x, y, strict=True)],
                        dtype=object)
    if function == "binary_cross_entropy_with_logits":
        return np.array([O.bce_logits1(a, b) for a, b in zip(*args, strict=True)], dtype=object)
    if function == "binary_cross_entropy_with_logits_grad":
        return np.array([O.bce_logits_grad1(a, b) for a, b in zip(*args, strict=True)],
                        dtype=object)
    if function == "kl_divergence":
        return np.array([O.kl_divergence(a, b) for a, b in zip(*args, strict=True)], dtype=object)
    if function == "cross_entropy":
        return np.array([O.cross_entropy(a, b) for a, b in zip(*args, strict=True)], dtype=object)
    raise KeyError(function)


def magnitude(function: str, *args) -> np.ndarray:
    """The scale of a backward-stable error, one per result entry (float64): what
    cancels, and never less than the result itself."""
    if function == "logsumexp":
        x = args[0].astype(np.float64)
        return np.maximum(np.abs(x).max(axis=1), np.abs(_lse_float(x)))
    if function == "binary_cross_entropy_with_logits_grad":
        z, t = (a.astype(np.float64) for a in args)
        with np.errstate(over="ignore"):
            return np.maximum(np.abs(t), 1 / (1 + np.exp(-z)))
    raise KeyError(function)


def _lse_float(x):
    """logsumexp in float64 with the maximum shifted out: the size of the result."""
    m = x.max(axis=1)
    return m + np.log(np.exp(x - m[:, None]).sum(axis=1))


def errors(function: str, measure: str, got, args, dtype, want=None) -> np.ndarray:
    """Per-entry errors of ``got`` (any array-like of results) in ulps, as ``measure``
    says; ``want`` is the exact result (computed if not given)."""
    got = np.asarray(got, dtype=np.float64)
    want = exact(function, *args) if want is None else want
    want = np.array(want.tolist(), dtype=object).reshape(got.shape)
    if measure == "relative":
        return O.ulp_errors(got, want, dtype)
    mag = magnitude(function, *args).reshape(got.shape)
    step = np.spacing(mag.astype(dtype)).astype(np.float64)
    err = np.array([float(abs(O.mpf(float(g)) - w)) if np.isfinite(g) else np.inf
                    for g, w in zip(got.ravel(), want.ravel(), strict=True)])
    return err.reshape(got.shape) / step


# ---------------------------------------------------------------- the list
@dataclass(frozen=True)
class Regime:
    """One regime of one function: ``sample(rng, dtype, n)`` gives the arguments
    (arrays in ``dtype``; integer labels), ``n`` examples (rows or elements)."""

    function: str
    name: str
    sample: object
    measure: str = "relative"


def _lab(sampler):
    """A row sampler's ``(x, labels)`` -> just ``(x,)`` for the row functions."""
    return lambda rng, dtype, n: sampler(rng, dtype, n)[:1]


FAR = "max entry, others 10-90 below"
REGIMES = [
    Regime("log_softmax", FAR, _lab(_far)),
    Regime("log_softmax", "random rows, scale 30", _lab(lambda r, d, n: _random(r, d, n, 30))),
    Regime("log_softmax", "random rows, scale 800", _lab(lambda r, d, n: _random(r, d, n, 800))),
    Regime("softmax", FAR, _lab(_far)),
    Regime("softmax", "random rows, scale 30", _lab(lambda r, d, n: _random(r, d, n, 30))),
    Regime("softmax", "random rows, scale 800", _lab(lambda r, d, n: _random(r, d, n, 800))),
    Regime("logsumexp", "max 0, others 10-90 below",
           _lab(lambda r, d, n: _far(r, d, n, k=2, m=0.0))),
    Regime("logsumexp", "random rows, scale 30", _lab(lambda r, d, n: _random(r, d, n, 30))),
    Regime("logsumexp", "random rows, scale 800", _lab(lambda r, d, n: _random(r, d, n, 800))),
    Regime("logsumexp", "cancels to 0 from a negative max (ulp of max |x|)", _cancelling,
           "backward"),
    Regime("softmax_cross_entropy", "label = argmax, others 10-90 below", _far),
    Regime("softmax_cross_entropy", "random labels, scale 30",
           lambda r, d, n: _random(r, d, n, 30)),
    Regime("softmax_cross_entropy", "random labels, scale 800",
           lambda r, d, n: _random(r, d, n, 800)),
    Regime("softmax_cross_entropy", "confident and correct, K = 1000", _confident),
    Regime("softmax_cross_entropy_grad", "label = argmax, others 10-90 below", _far),
    Regime("softmax_cross_entropy_grad", "random labels, scale 30",
           lambda r, d, n: _random(r, d, n, 30)),
    Regime("softmax_cross_entropy_grad", "random labels, scale 800",
           lambda r, d, n: _random(r, d, n, 800)),
    Regime("binary_cross_entropy_with_logits", "|z| <= 800, t in {0, 1}", _bce_binary),
    Regime("binary_cross_entropy_with_logits", "|z| <= 800, soft t ~ U(0, 1)", _bce_soft),
    Regime("binary_cross_entropy_with_logits", "|z| <= 800, t = 1 - 2^-k", _bce_near_one),
    Regime("binary_cross_entropy_with_logits_grad", "|z| <= 800, t in {0, 1}", _bce_binary),
    Regime("binary_cross_entropy_with_logits_grad",
           "|z| <= 800, soft t (ulp of max(t, sigmoid))", _bce_soft, "backward"),
    Regime("kl_divergence", "q = p +- delta, p = (0.3, 0.7)", _near),
    Regime("kl_divergence", "Dirichlet p, q = p(1 + eps) renormalised", _renormalised),
    Regime("kl_divergence", "independent Dirichlet p, q", _independent),
    Regime("cross_entropy", "q = p +- delta, p = (0.3, 0.7)", _near),
    Regime("cross_entropy", "Dirichlet p, q = p(1 + eps) renormalised", _renormalised),
    Regime("cross_entropy", "one-hot p, q_y = 1 - delta", _one_hot),
]

REGIMES_BY_KEY = {(r.function, r.name): r for r in REGIMES}
