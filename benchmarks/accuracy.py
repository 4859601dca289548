"""Worst error in ulps of lossbook, SciPy, PyTorch and the textbook formula, per
function, regime and dtype, against mpmath (50 digits or more).

The regimes, their inputs, the exact values and the error measures are those of
the property tests (``tests/regimes.py``): here each regime is sampled with a
seeded numpy generator, every implementation is run on the same inputs in the same
dtype, and the worst error over all output entries is kept. ``"relative"``
regimes are measured in ulps of the exact result; the ``"backward"`` ones (results
that are ill-conditioned in the inputs) in ulps of the magnitude of what cancels.
An error of ``Infinity`` means a result of ``inf`` or ``nan`` where the exact
value is finite; about 2**52 (float64) or 2**23 (float32) means no digit right.

    python benchmarks/accuracy.py [--points 1000] [-o benchmarks/results/accuracy.json]

Run by ``make bench``; chapter 8 and the accuracy appendix read the JSON file.
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import sys
import time
from pathlib import Path

import mpmath
import numpy as np
import scipy
import scipy.special as sps
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import regimes as R  # noqa: E402  (tests/regimes.py: the regimes, exact values, measures)

import lossbook as lb  # noqa: E402

torch.set_num_threads(1)
F = torch.nn.functional


# --- the four implementations of each function ----------------------------------------
def _t(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def _onehot(y, k, dtype):
    return np.eye(k, dtype=dtype)[y]


def _torch_grad(loss, x, *rest):
    xt = _t(x).requires_grad_(True)
    loss(xt, *rest).backward()
    return xt.grad.numpy()


def _naive_softmax(x):
    e = np.exp(x)
    return e / e.sum(axis=1, keepdims=True)


def _naive_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _rows(x):
    return np.arange(len(x))


IMPLEMENTATIONS = {
    "log_softmax": {
        "lossbook": lambda x: lb.log_softmax(x),
        "scipy": lambda x: sps.log_softmax(x, axis=1),
        "torch": lambda x: torch.log_softmax(_t(x), 1).numpy(),
        "naive": lambda x: x - np.log(np.exp(x).sum(axis=1, keepdims=True)),
    },
    "softmax": {
        "lossbook": lambda x: lb.softmax(x),
        "scipy": lambda x: sps.softmax(x, axis=1),
        "torch": lambda x: torch.softmax(_t(x), 1).numpy(),
        "naive": _naive_softmax,
    },
    "logsumexp": {
        "lossbook": lambda x: lb.logsumexp(x),
        "scipy": lambda x: sps.logsumexp(x, axis=1),
        "torch": lambda x: torch.logsumexp(_t(x), 1).numpy(),
        "naive": lambda x: np.log(np.exp(x).sum(axis=1)),
    },
    "softmax_cross_entropy": {
        "lossbook": lambda x, y: lb.softmax_cross_entropy(x, y, reduction="none"),
        "scipy": lambda x, y: sps.logsumexp(x, axis=1) - x[_rows(x), y],
        "torch": lambda x, y: F.cross_entropy(_t(x), _t(y), reduction="none").numpy(),
        "naive": lambda x, y: -np.log(_naive_softmax(x)[_rows(x), y]),
    },
    "softmax_cross_entropy_grad": {
        "lossbook": lambda x, y: lb.softmax_cross_entropy_grad(x, y, reduction="sum"),
        "scipy": lambda x, y: sps.softmax(x, axis=1) - _onehot(y, x.shape[1], x.dtype),
        "torch": lambda x, y: _torch_grad(
            lambda a, b: F.cross_entropy(a, b, reduction="sum"), x, _t(y)),
        "naive": lambda x, y: _naive_softmax(x) - _onehot(y, x.shape[1], x.dtype),
    },
    "binary_cross_entropy_with_logits": {
        "lossbook": lambda z, t: lb.binary_cross_entropy_with_logits(z, t, reduction="none"),
        "scipy": lambda z, t: -(t * sps.log_expit(z) + (1 - t) * sps.log_expit(-z)),
        "torch": lambda z, t: F.binary_cross_entropy_with_logits(
            _t(z), _t(t), reduction="none").numpy(),
        "naive": lambda z, t: -(t * np.log(_naive_sigmoid(z))
                                + (1 - t) * np.log(1 - _naive_sigmoid(z))),
    },
    "binary_cross_entropy_with_logits_grad": {
        "lossbook": lambda z, t: lb.binary_cross_entropy_with_logits_grad(z, t, reduction="sum"),
        "scipy": lambda z, t: sps.expit(z) - t,
        "torch": lambda z, t: _torch_grad(
            lambda a, b: F.binary_cross_entropy_with_logits(a, b, reduction="sum"), z, _t(t)),
        "naive": lambda z, t: _naive_sigmoid(z) - t,
    },
    "kl_divergence": {
        "lossbook": lambda p, q: lb.kl_divergence(p, q),
        "scipy": lambda p, q: sps.rel_entr(p, q).sum(axis=1),
        "torch": lambda p, q: F.kl_div(torch.log(_t(q)), _t(p), reduction="none").sum(1).numpy(),
        "naive": lambda p, q: (p * np.log(p / q)).sum(axis=1),
    },
    "cross_entropy": {
        "lossbook": lambda p, q: lb.cross_entropy(p, q),
        "scipy": lambda p, q: -sps.xlogy(p, q).sum(axis=1),
        "torch": lambda p, q: -torch.special.xlogy(_t(p), _t(q)).sum(1).numpy(),
        "naive": lambda p, q: -(p * np.log(q)).sum(axis=1),
    },
}
PEERS = ("lossbook", "scipy", "torch", "naive")


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": scipy.__version__,
        "torch": torch.__version__,
        "mpmath": mpmath.__version__,
    }


def _worst(err) -> float | None:
    err = np.asarray(err, dtype=np.float64)
    return float(err.max()) if err.size else 0.0


def measure(regime: R.Regime, dtype, n: int, seed: int) -> dict:
    args = regime.sample(np.random.default_rng(seed), dtype, n)
    want = R.exact(regime.function, *args)
    row = {"function": regime.function, "regime": regime.name, "dtype": np.dtype(dtype).name,
           "n_points": int(len(args[0]))}
    for peer in PEERS:
        f = IMPLEMENTATIONS[regime.function].get(peer)
        if f is None:
            row[peer] = None
            continue
        with np.errstate(all="ignore"):
            got = np.asarray(f(*args))
        row[peer] = _worst(R.errors(regime.function, regime.measure, got, args, dtype, want))
    return row


def _fmt(v):
    if v is None:
        return "-"
    if v == float("inf"):
        return "inf"
    return f"{v:.3g}"


def markdown(rows) -> str:
    lines = ["| function | regime | dtype | points | lossbook | SciPy | torch | naive |",
             "|---|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['function']} | {r['regime']} | {r['dtype']} | {r['n_points']} | "
                     + " | ".join(_fmt(r[p]) for p in PEERS) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--points", type=int, default=1000,
                    help="examples per regime (rows or elements; 1000-class rows: 1/25 of it)")
    ap.add_argument("-o", "--output", default=str(HERE / "results" / "accuracy.json"))
    ap.add_argument("--markdown", default=str(HERE / "results" / "accuracy.md"))
    args = ap.parse_args()
    rows = []
    for i, regime in enumerate(R.REGIMES):
        for dtype in R.DTYPES:
            n = max(4, args.points // 25) if "1000" in regime.name else args.points
            t0 = time.perf_counter()
            rows.append(measure(regime, dtype, n, seed=1000 + i))
            r = rows[-1]
            print(f"{r['function']:38s} {r['regime'][:44]:44s} {r['dtype']:8s} "
                  + " ".join(f"{p}={_fmt(r[p]):>8s}" for p in PEERS)
                  + f"  ({time.perf_counter() - t0:.1f} s)", flush=True)
    result = {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "rows": rows,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    Path(args.markdown).write_text(
        f"Worst error in ulps against mpmath (generated {result['generated']} by "
        "`benchmarks/accuracy.py`; `inf`: an infinite or nan result where the exact value is "
        "finite).\n\n" + markdown(rows))
    print(f"wrote {out} and {args.markdown}")


if __name__ == "__main__":
    main()
