"""logit(p) = log(p / (1 - p)) and its derivative 1 / (p (1 - p)) (API.md): accuracy
against mpmath (4 ulp float64, 6 ulp float32) near 0, near 1, near 1/2 and across
the split of the two forms; limits; the inverse of the sigmoid; PyTorch and SciPy
agree where they are accurate; bad input."""

from __future__ import annotations

import contextlib
import warnings

import numpy as np
import oracles as O
import pytest
import scipy.special as sc
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import lossbook as lb

DTYPES = [np.float64, np.float32]
IDS = ["f64", "f32"]
MP = O.MP


@contextlib.contextmanager
def strict():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise", under="ignore"):
            yield


def exact_logit(p):
    p = O.to_mp(p)
    if O.is_nan(p):
        return O.NAN
    if p == 0:
        return -O.INF
    if p == 1:
        return O.INF
    return MP.log(p / (1 - p))


def exact_logit_grad(p):
    p = O.to_mp(p)
    if p in (0, 1):
        return O.INF
    return 1 / (p * (1 - p))


def regimes(dtype, n=1500, seed=7):
    """Probabilities by regime: uniform; log-uniform down to the smallest subnormal;
    1 - (log-uniform down to eps/2); 1 - 2^-k; around 1/2; around the split at 1/3."""
    rng = np.random.default_rng(seed)
    fi = np.finfo(dtype)
    lo = np.log10(float(fi.smallest_subnormal))
    k = np.arange(1, fi.nmant + 2)
    parts = {
        "uniform": rng.uniform(0, 1, n),
        "near 0": 10.0 ** rng.uniform(lo, 0, n),
        "near 1": 1 - 10.0 ** rng.uniform(np.log10(float(fi.epsneg)), 0, n),
        "1 - 2^-k": 1 - 2.0 ** -k,
        "near 1/2": 0.5 + rng.uniform(-1e-4, 1e-4, n),
        "split": 1 / 3 + rng.uniform(-0.05, 0.05, n),
    }
    out = {}
    for name, v in parts.items():
        with np.errstate(under="ignore"):
            v = v.astype(dtype)
        out[name] = np.unique(v[(v >= 0) & (v <= 1)])
    return out


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
@pytest.mark.parametrize("regime", ["uniform", "near 0", "near 1", "1 - 2^-k", "near 1/2",
                                    "split"])
@pytest.mark.parametrize("name, exact", [("logit", exact_logit),
                                         ("logit_grad", exact_logit_grad)])
def test_ulp_against_mpmath(name, exact, regime, dtype):
    p = regimes(dtype)[regime]
    with strict(), np.errstate(over="ignore", divide="ignore"):
        got = getattr(lb, name)(p)
    assert got.dtype == dtype and got.shape == p.shape
    err = O.ulp_errors(got, [exact(v) for v in p], dtype)
    bar = O.ULP_BAR[np.dtype(dtype)]
    i = int(np.argmax(err))
    assert err[i] <= bar, f"{name} {regime}: {err[i]:.2f} ulp at p = {p[i]!r} (got {got[i]!r})"


@settings(deadline=None, max_examples=200, derandomize=True)
@given(st.sampled_from(DTYPES), st.data())
def test_ulp_property(dtype, data):
    width = 32 if dtype == np.float32 else 64
    p = dtype(data.draw(st.floats(0, 1, width=width, allow_subnormal=True)))
    bar = O.ULP_BAR[np.dtype(dtype)]
    with np.errstate(over="ignore", divide="ignore"):
        assert O.ulp_error(lb.logit(p), exact_logit(p), dtype) <= bar
        assert O.ulp_error(lb.logit_grad(p), exact_logit_grad(p), dtype) <= bar


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_limits_nan_and_no_warnings(dtype):
    p = np.array([0.0, 1.0, np.nan, 0.5], dtype)
    with strict():
        got = lb.logit(p)
        g = lb.logit_grad(p)
    assert got[0] == -np.inf and got[1] == np.inf and np.isnan(got[2]) and got[3] == 0
    assert g[0] == np.inf and g[1] == np.inf and np.isnan(g[2]) and g[3] == 4


def test_grad_is_infinite_where_the_exact_value_overflows():
    p = np.array([5e-324, 1e-310, 1e-300])
    with np.errstate(over="ignore", divide="ignore"):
        g = lb.logit_grad(p)
    assert g[0] == np.inf and g[1] == np.inf  # exact 2e323, 1e310: beyond the largest float
    assert g[2] == pytest.approx(1e300, rel=1e-15)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_inverse_of_the_sigmoid(dtype):
    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(0, 1, 500), 10.0 ** rng.uniform(-30, 0, 500),
                        1 - 10.0 ** rng.uniform(-7, 0, 500)]).astype(dtype)
    y = lb.logit(p)
    back = lb.sigmoid(y)
    # a relative error d in y becomes |y| (1 - p) d in sigmoid(y): its condition number
    cond = 1 + np.abs(y.astype(np.float64)) * (1 - p.astype(np.float64))
    err = O.ulp_errors(back, [O.to_mp(v) for v in p], dtype)
    bar = O.ULP_BAR[np.dtype(dtype)]
    assert np.all(err <= bar * cond + bar), (err / cond).max()
    x = rng.uniform(-15, 15, 500).astype(dtype)
    s = lb.sigmoid(x)
    # the other way round, sigmoid's rounding (eps * s) is amplified by logit' = 1/(s(1-s))
    eps = float(np.finfo(dtype).eps)
    allowed = 4 * eps * (s * lb.logit_grad(s) + np.abs(x))
    assert np.all(np.abs(lb.logit(s) - x) <= allowed)


@pytest.mark.parametrize("dtype", DTYPES, ids=IDS)
def test_against_torch_and_scipy(dtype):
    rng = np.random.default_rng(4)
    p = rng.uniform(0.01, 0.99, 2000).astype(dtype)
    got = lb.logit(p)
    eps = float(np.finfo(dtype).eps)
    np.testing.assert_allclose(got, sc.logit(p.astype(np.float64)), rtol=64 * eps, atol=8 * eps)
    t = torch.tensor(p, requires_grad=True)
    torch.logit(t).sum().backward()
    np.testing.assert_allclose(got, torch.logit(t).detach().numpy(), rtol=64 * eps, atol=8 * eps)
    np.testing.assert_allclose(lb.logit_grad(p), t.grad.numpy(), rtol=16 * eps)


def test_grad_against_finite_differences():
    p = np.array([1e-3, 0.2, 0.5, 0.7, 0.999])
    num = lb.numerical_grad(lambda v: float(lb.logit(v).sum()), p, eps=1e-8)
    np.testing.assert_allclose(lb.logit_grad(p), num, rtol=1e-5)


def test_dtypes_shapes_and_no_mutation():
    assert lb.logit(np.float32(0.25)).dtype == np.float32
    assert lb.logit(0).dtype == np.float64 and lb.logit(0) == -np.inf
    assert np.ndim(lb.logit(0.3)) == 0 and np.ndim(lb.logit_grad(0.3)) == 0
    p = np.array([[0.1, 0.9], [0.5, 0.0]])
    keep = p.copy()
    assert lb.logit(p).shape == (2, 2) and lb.logit_grad(p).shape == (2, 2)
    np.testing.assert_array_equal(p, keep)
    assert lb.logit(np.zeros(0)).shape == (0,)


@pytest.mark.parametrize("name", ["logit", "logit_grad"])
@pytest.mark.parametrize("bad", [[1.5], [-0.1, 0.5], [-np.inf], [np.inf]], ids=repr)
def test_outside_the_unit_interval(name, bad):
    with pytest.raises(ValueError, match=r"\bp\b.*\[0, 1\]"):
        getattr(lb, name)(np.array(bad))


@pytest.mark.parametrize("name", ["logit", "logit_grad"])
def test_non_numeric(name):
    with pytest.raises(TypeError, match=r"\bp\b"):
        getattr(lb, name)(np.array(["a"]))
    with pytest.raises(TypeError, match=r"\bp\b"):
        getattr(lb, name)(np.array([0.5 + 0j]))
