"""Accuracy against mpmath at 50 digits (API.md: 4 ulp in float64, 6 ulp in float32
for elementwise functions, subnormal results included; reductions within
1e-12 / 1e-5 x (|exact| + magnitude of the inputs)).

The worst case found per function and dtype is printed at the end of the module
(visible with ``pytest -s``).
"""

from __future__ import annotations

import numpy as np
import oracles as O
import pytest

import lossbook as lb

WORST: dict[tuple[str, str], tuple[float, float]] = {}


@pytest.fixture(scope="module", autouse=True)
def _worst_case_summary():
    yield
    if WORST:
        print("\nworst case per function and dtype (against mpmath, 50 digits); elementwise")
        print("in ulps at x, row functions as a fraction of the tolerance (x = row's 1st entry):")
        for (name, dt), (err, x) in sorted(WORST.items()):
            print(f"  {name:<18} {dt:<8} {err:10.3g} at x = {x!r}")


def _record(name, dtype, err, x):
    key = (name, np.dtype(dtype).name)
    if key not in WORST or err > WORST[key][0]:
        WORST[key] = (float(err), float(x))


def accuracy_grid(dtype) -> np.ndarray:
    """A dense grid and random points over [-800, 800], the subnormal-result band of
    the dtype, log-spaced magnitudes, and the extremes."""
    rng = np.random.default_rng(12345)
    fi = np.finfo(dtype)
    tiny, smallest = float(fi.tiny), float(fi.smallest_subnormal)
    sub_lo, sub_hi = (-745.2, -708.0) if dtype == np.float64 else (-103.98, -87.0)
    parts = [
        np.linspace(-800, 800, 8001),
        rng.uniform(-800, 800, 3000),
        rng.uniform(-40, 40, 2000),
        rng.uniform(sub_lo, sub_hi, 1500),
        np.linspace(sub_lo, sub_hi, 500),
        rng.choice([-1.0, 1.0], 1500) * 10.0 ** rng.uniform(-320, 308, 1500),
        np.array([0.0, tiny, smallest, 1e-300, 1e-30, 1.0, 30.0, 88.0, 710.0, 745.0, 800.0,
                  1e38, 3e38, 1e308, float(fi.max)]),
    ]
    x = np.concatenate(parts)
    x = np.concatenate([x, -x[-15:]])
    with np.errstate(over="ignore", under="ignore"):
        x = x.astype(dtype)
    return np.unique(x[np.isfinite(x)])


GRIDS = {dt: accuracy_grid(dt) for dt in (np.float64, np.float32)}


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus", "sigmoid_grad"])
def test_elementwise_ulp(name, dtype):
    x = GRIDS[dtype]
    got = getattr(lb, name)(x)
    assert got.dtype == dtype and got.shape == x.shape
    err = O.ulp_errors(got, O.elementwise(name, x), dtype)
    i = int(np.argmax(err))
    _record(name, dtype, err[i], x[i])
    bar = O.ULP_BAR[np.dtype(dtype)]
    n_bad = int((err > bar).sum())
    assert n_bad == 0, (
        f"{name} {np.dtype(dtype).name}: {n_bad} of {x.size} points above {bar} ulp; "
        f"worst {err[i]:.2f} ulp at x={x[i]!r} (got {got[i]!r}, "
        f"exact {O.MP.nstr(O.ELEMENTWISE[name](x[i]), 20)})"
    )


def test_grid_covers_subnormal_results():
    """The grid really reaches results below the normal range (else the bar above
    would say nothing about them)."""
    for dt in (np.float64, np.float32):
        s = lb.sigmoid(GRIDS[dt])
        tiny = np.finfo(dt).tiny
        assert np.count_nonzero((s > 0) & (s < tiny)) >= 500


def test_ulp_error_measure():
    """The measure itself: one step of the dtype is 1 ulp, also for subnormals."""
    one = O.mpf(1)
    assert O.ulp_error(np.nextafter(1.0, 2.0), one, np.float64) == 1.0
    assert O.ulp_error(np.float32(1) + np.spacing(np.float32(1)), one, np.float32) == 1.0
    sub = np.float64(5e-324)
    assert O.ulp_error(2 * sub, O.mpf(float(sub)), np.float64) == 1.0
    assert O.ulp_error(0.0, O.mpf(float(sub)) / 4, np.float64) == 0.25
    assert O.ulp_error(np.inf, O.mpf(1), np.float64) == np.inf
    assert O.ulp_error(np.nan, O.mpf(1), np.float64) == np.inf


# ---------------------------------------------------------------- reductions
def _rows_for(dtype, seed):
    rng = np.random.default_rng(seed)
    big = 1e308 if dtype == np.float64 else 3e38
    rows = []
    for scale in (1.0, 30.0, 800.0, 1e5):
        for k in (1, 2, 3, 7, 40):
            for _ in range(6):
                rows.append((rng.standard_normal(k) * scale).astype(dtype))
    rows += [np.array(r, dtype=dtype) for r in (
        [big, big], [big, -big], [-big, -big, 0.0], [0.0, -1e4, -1e4],
        [1e-30, 0.0, -1e-30], [88.0, 88.0, 88.0, 88.0], [-104.0, -105.0],
    )]
    return rows


@pytest.mark.parametrize("dtype", [np.float64, np.float32], ids=["f64", "f32"])
@pytest.mark.parametrize("name", ["logsumexp", "softmax", "log_softmax"])
def test_row_function_accuracy(name, dtype):
    ref = {"logsumexp": O.logsumexp, "softmax": O.softmax, "log_softmax": O.log_softmax}[name]
    t = O.tol(dtype)
    worst = (0.0, None)
    for row in _rows_for(dtype, seed=7):
        got = getattr(lb, name)(row)
        exact = ref(row)
        exact = np.array(exact, dtype=object) if isinstance(exact, list) else exact
        mag = O.magnitude(row)
        O.check_close(got, exact, dtype, mag, what=f"{name}({row.tolist()})")
        for c, e in zip(np.ravel(got), np.ravel(exact), strict=True):
            if np.isfinite(c) and O.MP.isfinite(e):
                rel = float(abs(O.mpf(float(c)) - e) / (abs(e) + O.mpf(mag)) / t) if (
                    abs(e) + mag) > 0 else 0.0
                if rel > worst[0]:
                    worst = (rel, row[0])
    _record(name + " (tol)", dtype, worst[0], worst[1] if worst[1] is not None else 0.0)
