"""Error in ulps, point by point, of lossbook, SciPy and PyTorch against mpmath.

For each function family of the numerical-stability chapter (sigmoid, softplus,
log-sigmoid, log-sum-exp, softmax, log-softmax, the two cross-entropies from logits,
their gradients at a confident correct prediction, and KL of nearly equal
distributions) this script builds a one-parameter family of inputs in float64 and in
float32, computes the exact result of every input with mpmath (300 bits), and
writes, point by point:

* the inputs as they were given to every library (so a reader re-computes nothing
  from the parameter),
* the exact result as a double-double pair ``exact_hi + exact_lo`` (``exact_hi`` is
  the exact value rounded to float64), enough to measure a float64 result to a
  fraction of an ulp with numpy alone,
* the error in ulps of lossbook, SciPy (or the SciPy-based formula) and PyTorch CPU.

Error measure: ``|computed - exact| / spacing(exact rounded to the dtype)``, the
spacing being numpy's (the smallest subnormal for subnormal or zero results); nan or
an infinity where the exact value is finite counts as ``inf``. An error of about
``2**52`` (float64) or ``2**23`` (float32) ulps means that no significant digit is
right.

    python benchmarks/ulp_curves.py [-o benchmarks/results/ulp_curves.json]

Run by ``make bench``; the chapter and the accuracy appendix read the file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.special as sps
import torch
import torch.nn.functional as F

import lossbook as lb

torch.set_num_threads(1)
MP = mpmath.MPContext()
MP.prec = 300
OUT = Path(__file__).resolve().parent / "results" / "ulp_curves.json"

# --------------------------------------------------------------------- exact values


def _mp(v):
    return MP.mpf(float(v))


def _softplus(u):
    """log(1 + e^u), accurate for every real u."""
    return u + MP.log1p(MP.exp(-u)) if u > 0 else MP.log1p(MP.exp(u))


def _shifted(row):
    """(m, the other terms e^{x_j - m} without the maximum's, index of the maximum)."""
    xs = [_mp(v) for v in row]
    top = max(range(len(xs)), key=lambda j: xs[j])
    m = xs[top]
    return m, [MP.exp(xs[j] - m) for j in range(len(xs)) if j != top], top, xs


def exact_logsumexp(row):
    m, rest, _, _ = _shifted(row)
    return m + MP.log1p(MP.fsum(rest))


def exact_softmax(row, i):
    m, rest, _, xs = _shifted(row)
    return MP.exp(xs[i] - m) / (1 + MP.fsum(rest))


def exact_log_softmax(row, i):
    m, rest, _, xs = _shifted(row)
    return (xs[i] - m) - MP.log1p(MP.fsum(rest))


def exact_ce_grad(row, y):
    """d/dz_y of -log softmax(z)_y = p_y - 1 = -sum_{j != y} p_j (no cancellation)."""
    return -MP.fsum(exact_softmax(row, j) for j in range(len(row)) if j != y)


def exact_bce(z, t):
    z, t = _mp(z), _mp(t)
    return t * _softplus(-z) + (1 - t) * _softplus(z)


def exact_bce_grad(z, t):
    z, t = _mp(z), _mp(t)
    if t == 1:
        return -1 / (1 + MP.exp(z))  # sigma(z) - 1 = -sigma(-z)
    return 1 / (1 + MP.exp(-z)) - t


def exact_kl(p, q):
    return MP.fsum(_mp(a) * MP.log(_mp(a) / _mp(b)) for a, b in zip(p, q, strict=True) if a)


# --------------------------------------------------------------------- measuring


def ulp_error(computed, exact, dtype) -> float:
    """|computed - exact| / spacing(exact rounded to dtype); nan/inf against finite: inf."""
    c = float(computed)
    if math.isnan(c) or math.isinf(c):
        return math.inf
    with np.errstate(over="ignore"):
        rounded = np.dtype(dtype).type(float(exact))
    step = np.spacing(np.abs(rounded)) if np.isfinite(rounded) else np.spacing(
        np.finfo(dtype).max)
    return float(abs(MP.mpf(c) - exact) / MP.mpf(float(step)))


def _np(a, dtype):
    return np.asarray(a, dtype=dtype)


def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def _to_np(v):
    return v.detach().numpy() if isinstance(v, torch.Tensor) else np.asarray(v)


def _grid(*parts, dtype):
    with np.errstate(over="ignore"):
        x = np.concatenate([np.asarray(p, dtype=float) for p in parts]).astype(dtype)
    return np.unique(x[np.isfinite(x)])


# --------------------------------------------------------------------- the families
# Each family: name, the parameter (axis of the figure), a builder of the inputs from
# the parameter grid, the exact value of one input, the three libraries' calls, and
# the regimes (parameter ranges) the chapter talks about, per dtype.


def _elementwise(name, exact, ours, scipy_fn, torch_fn, grids, regimes, label):
    def build(dtype):
        x = grids[np.dtype(dtype).name](dtype)
        return x, {"x": x}

    return dict(name=name, param=label, build=build,
                exact=lambda inp, i: exact(_mp(inp["x"][i])),
                lossbook=lambda inp: ours(inp["x"]),
                scipy=lambda inp: scipy_fn(inp["x"]),
                torch=lambda inp: _to_np(torch_fn(_t(inp["x"]))),
                regimes=regimes)


def _wide(lo64, hi64, lo32, hi32, tail64, tail32):
    return {
        "float64": lambda dt: _grid(np.linspace(lo64, hi64, 201), np.linspace(*tail64, 51),
                                    dtype=dt),
        "float32": lambda dt: _grid(np.linspace(lo32, hi32, 201), np.linspace(*tail32, 51),
                                    dtype=dt),
    }


SIGMOID_GRID = _wide(-760, 60, -112, 30, (-745.5, -700), (-104, -85))
RIGHT_GRID = _wide(-60, 800, -30, 110, (20, 60), (8, 25))
SIGMOID_TAIL = {"float64": [-745.2, -708.4], "float32": [-103.3, -87.4]}
CONFIDENT = {"float64": [37.5, 800], "float32": [17, 110]}
CONFIDENT_BOTH = {"float64": [[-800, -37.5], [37.5, 800]],
                  "float32": [[-110, -17], [17, 110]]}


def _softplus_np(x):
    return np.logaddexp(np.zeros_like(x), x)


def _row_family(name, build_rows, exact, ours, scipy_fn, torch_fn, regimes, label):
    def build(dtype):
        d, rows, labels = build_rows(dtype)
        return d, {"rows": rows, "labels": labels}

    return dict(name=name, param=label, build=build,
                exact=lambda inp, i: exact(inp["rows"][i], int(inp["labels"][i])),
                lossbook=lambda inp: ours(inp["rows"], inp["labels"]),
                scipy=lambda inp: scipy_fn(inp["rows"], inp["labels"]),
                torch=lambda inp: _to_np(torch_fn(_t(inp["rows"]), _t(inp["labels"]))),
                regimes=regimes)


GAP_TOP = {"float64": 800.0, "float32": 110.0}


def _gaps(dtype):
    top = GAP_TOP[np.dtype(dtype).name]
    return _grid(np.linspace(0, top, 201), np.linspace(20 if top > 200 else 8, 60, 51),
                 dtype=dtype)


def _pair_rows(dtype):
    """Rows (0, -d): log-sum-exp log(1 + e^-d), exact arithmetic in the shift."""
    d = _gaps(dtype)
    rows = np.stack([np.zeros_like(d), -d], axis=1)
    return d, rows, np.zeros(len(d), dtype=np.int64)


def _third_rows(dtype):
    """Rows (c, c - d) with c = 1/3 rounded: the shift x - max is not exact."""
    d = _gaps(dtype)
    c = np.asarray(1 / 3, dtype=dtype)
    rows = np.stack([np.full_like(d, c), c - d], axis=1)
    return d, rows, np.zeros(len(d), dtype=np.int64)


def _confident_rows(dtype):
    """Rows (0, -d, -d - 1), label 0: the correct class leads by d."""
    d = _gaps(dtype)
    rows = np.stack([np.zeros_like(d), -d, -d - 1], axis=1)
    return d, rows, np.zeros(len(d), dtype=np.int64)


def _row_pick(a, labels):
    return a[np.arange(len(a)), labels]


def _torch_ce_grad(rows, labels):
    x = rows.clone().requires_grad_(True)
    F.cross_entropy(x, labels, reduction="sum").backward()
    return _row_pick(x.grad.numpy(), labels.numpy())


def _torch_bce_grad(z, t):
    x = z.clone().requires_grad_(True)
    F.binary_cross_entropy_with_logits(x, t, reduction="sum").backward()
    return x.grad.numpy()


def _confident_logits(dtype):
    """Logits z with the target each one predicts: t = 1 where z > 0, t = 0 where z <= 0,
    so every prediction is right and |z| is its confidence."""
    top = GAP_TOP[np.dtype(dtype).name]
    near = 60 if top > 200 else 25
    z = _grid(np.linspace(-top, top, 241), np.linspace(-near, near, 61), dtype=dtype)
    return z, {"x": z, "t": (z > 0).astype(dtype)}


def _kl_build(dtype):
    """p = (0.7, 0.3), q = (0.7 - delta, 0.3 + delta), both summing to 1 exactly:
    the second entry is 1 minus the first, which is exact for a first entry in [1/2, 1]."""
    one = np.asarray(1, dtype=dtype)
    lo = -15.5 if np.dtype(dtype) == np.float64 else -7
    delta = 10.0 ** np.linspace(lo, -1, 201)
    p1 = np.full(delta.shape, 0.7, dtype=dtype)
    q1 = (0.7 - delta).astype(dtype)
    p = np.stack([p1, one - p1], axis=1)
    q = np.stack([q1, one - q1], axis=1)
    delta = (p[:, 0].astype(float) - q[:, 0].astype(float))  # the delta actually stored
    return delta, {"p": p, "q": q}


def _kl_torch(p, q):
    return F.kl_div(torch.log(q), p, reduction="none").sum(dim=1).numpy()


FAMILIES = [
    _elementwise("sigmoid", lambda x: 1 / (1 + MP.exp(-x)), lb.sigmoid, sps.expit,
                 torch.sigmoid, SIGMOID_GRID,
                 {"subnormal tail": SIGMOID_TAIL}, "x"),
    _elementwise("softplus", _softplus, lb.softplus, _softplus_np, F.softplus,
                 _wide(-800, 800, -110, 110, (-60, 60), (-25, 25)),
                 {"left tail": {"float64": [-800, -37.5], "float32": [-110, -17]}}, "x"),
    _elementwise("log_sigmoid", lambda x: -_softplus(-x), lb.log_sigmoid, sps.log_expit,
                 F.logsigmoid, RIGHT_GRID,
                 {"log-probability near 0": CONFIDENT}, "x"),
    dict(name="bce_logits", param="z", build=_confident_logits,
         exact=lambda inp, i: exact_bce(inp["x"][i], inp["t"][i]),
         lossbook=lambda inp: lb.binary_cross_entropy_with_logits(inp["x"], inp["t"],
                                                                  reduction="none"),
         scipy=lambda inp: -(inp["t"] * sps.log_expit(inp["x"])
                             + (1 - inp["t"]) * sps.log_expit(-inp["x"])),
         torch=lambda inp: F.binary_cross_entropy_with_logits(
             _t(inp["x"]), _t(inp["t"]), reduction="none").numpy(),
         regimes={"confident and right": CONFIDENT_BOTH}),
    dict(name="bce_logits_grad", param="z", build=_confident_logits,
         exact=lambda inp, i: exact_bce_grad(inp["x"][i], inp["t"][i]),
         lossbook=lambda inp: lb.binary_cross_entropy_with_logits_grad(inp["x"], inp["t"],
                                                                       reduction="none"),
         scipy=lambda inp: sps.expit(inp["x"]) - inp["t"],
         torch=lambda inp: _torch_bce_grad(_t(inp["x"]), _t(inp["t"])),
         regimes={"gradient sigma(z) - 1": CONFIDENT}),
    _row_family("logsumexp", _pair_rows, lambda r, _: exact_logsumexp(r),
                lambda r, _: lb.logsumexp(r, axis=1),
                lambda r, _: sps.logsumexp(r, axis=1),
                lambda r, _: torch.logsumexp(r, dim=1).numpy(),
                {"result near 0": CONFIDENT}, "d"),
    _row_family("softmax", _third_rows, lambda r, _: exact_softmax(r, 1),
                lambda r, _: lb.softmax(r)[:, 1],
                lambda r, _: sps.softmax(r, axis=1)[:, 1],
                lambda r, _: torch.softmax(r, dim=1)[:, 1].numpy(),
                {"small entry": {"float64": [30, 800], "float32": [10, 87]}}, "d"),
    _row_family("log_softmax", _third_rows, lambda r, _: exact_log_softmax(r, 0),
                lambda r, _: lb.log_softmax(r)[:, 0],
                lambda r, _: sps.log_softmax(r, axis=1)[:, 0],
                lambda r, _: torch.log_softmax(r, dim=1)[:, 0].numpy(),
                {"log-probability near 0": CONFIDENT}, "d"),
    _row_family("softmax_ce", _confident_rows, lambda r, y: -exact_log_softmax(r, y),
                lambda r, y: lb.softmax_cross_entropy(r, y, reduction="none"),
                lambda r, y: sps.logsumexp(r, axis=1) - _row_pick(r, y),
                lambda r, y: F.cross_entropy(r, y, reduction="none").numpy(),
                {"confident and right": CONFIDENT}, "d"),
    _row_family("softmax_ce_grad", _confident_rows, exact_ce_grad,
                lambda r, y: _row_pick(lb.softmax_cross_entropy_grad(r, y, reduction="sum"), y),
                lambda r, y: _row_pick(sps.softmax(r, axis=1), y) - 1,
                _torch_ce_grad,
                {"gradient p_y - 1": CONFIDENT}, "d"),
    dict(name="kl", param="delta", build=_kl_build,
         exact=lambda inp, i: exact_kl(inp["p"][i], inp["q"][i]),
         lossbook=lambda inp: lb.kl_divergence(inp["p"], inp["q"]),
         scipy=lambda inp: sps.rel_entr(inp["p"], inp["q"]).sum(axis=1),
         torch=lambda inp: _kl_torch(_t(inp["p"]), _t(inp["q"])),
         regimes={"q close to p": {"float64": [1e-12, 1e-4], "float32": [1e-6, 1e-3]}}),
]


def _split(v: float):
    return float(v), float(v - MP.mpf(float(v)))


def _rounded(values, digits=4):
    return [float(f"{v:.{digits}g}") if math.isfinite(v) else ("inf" if v > 0 else "nan")
            for v in values]


def _as_list(a):
    return np.asarray(a).tolist()


def measure(family, dtype) -> dict:
    param, inputs = family["build"](dtype)
    n = len(param)
    exact = [family["exact"](inputs, i) for i in range(n)]
    hi_lo = [_split(e) for e in exact]
    out = {"name": family["name"], "dtype": np.dtype(dtype).name, "param": family["param"],
           "n_points": n, "x": _as_list(param.astype(float)),
           "inputs": {k: _as_list(v) for k, v in inputs.items()
                      if not (k == "x" and np.array_equal(v, param))},
           "exact_hi": [h for h, _ in hi_lo],
           "exact_lo": [float(f"{lo:.3g}") for _, lo in hi_lo],
           "regimes": {k: v[np.dtype(dtype).name] for k, v in family["regimes"].items()},
           "ulp": {}}
    with np.errstate(all="ignore"):
        for lib in ("lossbook", "scipy", "torch"):
            got = np.asarray(family[lib](inputs))
            if got.dtype != np.dtype(dtype):
                raise TypeError(f"{family['name']} {lib}: dtype {got.dtype}, want {dtype}")
            out["ulp"][lib] = _rounded([ulp_error(g, e, dtype) for g, e in zip(got, exact,
                                                                                strict=True)])
    return out


def machine() -> dict:
    return {"platform": platform.platform(), "machine": platform.machine(),
            "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "numpy": np.__version__, "scipy": scipy.__version__, "torch": torch.__version__,
            "mpmath": mpmath.__version__, "mpmath_bits": MP.prec}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=str(OUT))
    args = ap.parse_args()
    curves = []
    for family in FAMILIES:
        for dtype in (np.float64, np.float32):
            c = measure(family, dtype)
            worst = {lib: max((v if isinstance(v, float) else math.inf) for v in c["ulp"][lib])
                     for lib in c["ulp"]}
            print(f"{c['name']:<16} {c['dtype']:<8} worst ulp: "
                  + "  ".join(f"{k} {v:.3g}" for k, v in worst.items()), flush=True)
            curves.append(c)
    doc = {"generated": datetime.date.today().isoformat(), "machine": machine(),
           "measure": "abs(computed - exact) / numpy.spacing(exact rounded to the dtype); "
                      "nan or inf against a finite exact value: inf",
           "curves": curves}
    path = Path(args.output)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
