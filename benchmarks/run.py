"""Speed and memory of lossbook against SciPy-based code and PyTorch CPU, side by
side in one process, then the accuracy table (``benchmarks/accuracy.py``).

Single-threaded (``torch.set_num_threads(1)``; numpy's elementwise kernels are
single-threaded), timed by the CPU time of the calling thread (``time.thread_time``,
so waiting for a core on a loaded machine is not counted; on an idle machine it
equals the wall time). Each case runs every implementation once as a warm-up, then
``--repeat`` rounds (default 21) in which each implementation runs once, in an
order that rotates from round to round, so a change of load on a shared machine
falls on all of them alike; the median of the rounds is reported. Ratios below 1
mean lossbook is faster. Peak extra memory is tracemalloc's peak during lossbook's
call beyond what existed before it (numpy reports its buffers to tracemalloc), as
a multiple of the input's size.

Inputs: ``random`` (logits ~ 3 N(0, 1), random labels; BCE: 4 N(0, 1) against
uniform soft targets) and ``confident`` (every row confident and correct: the
label's logit 5 to 30 above the row's maximum; BCE: t in {0, 1} and
z = (2t - 1)(10 + 4|N(0, 1)|)), the regime where the accurate forms do their work.
``forward+backward`` is the loss and then its gradient (lossbook, SciPy-based) or
``loss.backward()`` (torch).

    python benchmarks/run.py [--repeat 21] [--no-accuracy]

Writes ``benchmarks/results/speed.json`` and ``speed.md``. These are benchmark
targets, not tests (the machines are shared and noisy): ratio to the SciPy-based
version <= 1.0, ratio to torch <= 1.5, peak extra memory <= 3x the input.
"""

from __future__ import annotations

import argparse
import datetime
import json
import statistics
import subprocess
import sys
import time
import tracemalloc
from functools import partial
from pathlib import Path

import numpy as np
import scipy.special as sps
import torch

import lossbook as lb

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from accuracy import machine  # noqa: E402

torch.set_num_threads(1)
F = torch.nn.functional
# CPU time of this thread: every implementation runs in the calling thread (numpy's
# ufuncs, torch with one intra-op thread), and time spent waiting for a core on a
# shared machine is not counted (wall time on 2 cores shared by ~9 processes varied
# by a factor of 2-3 between identical runs).
CLOCK = time.thread_time


def median_seconds(fns: dict, repeat: int) -> dict:
    """Median time of each function over ``repeat`` rounds, one call of each per
    round in a rotating order, after one warm-up call of each."""
    names = list(fns)
    for name in names:
        fns[name]()  # warm-up: page faults, caches, lazy imports
    times = {name: [] for name in names}
    for r in range(repeat):
        for name in names[r % len(names):] + names[: r % len(names)]:
            t0 = CLOCK()
            fns[name]()
            times[name].append(CLOCK() - t0)
    return {name: statistics.median(ts) for name, ts in times.items()}


def peak_extra(fn, input_bytes: int) -> float:
    """Peak memory allocated during ``fn`` beyond what existed before, / input size."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return (peak - base) / input_bytes


# --- SciPy-based peers: the straightforward implementations one would write with SciPy ---
def scipy_softmax_ce(x, y):
    return np.mean(sps.logsumexp(x, axis=1) - x[np.arange(len(x)), y])


def scipy_softmax_ce_grad(x, y):
    g = sps.softmax(x, axis=1)
    g[np.arange(len(x)), y] -= 1
    return g / len(x)


def scipy_bce_logits(z, t):
    return np.mean(-(t * sps.log_expit(z) + (1 - t) * sps.log_expit(-z)))


def scipy_bce_logits_grad(z, t):
    return (sps.expit(z) - t) / z.size


def torch_fwd_bwd(loss, x, target):
    x = x.detach().requires_grad_(True)
    loss(x, target).backward()
    return x.grad


# --- inputs -------------------------------------------------------------------------
def class_inputs(rng, dtype, kind, shape=(4096, 1000)):
    x = rng.standard_normal(shape) * 3
    y = rng.integers(0, shape[1], shape[0])
    if kind == "confident":
        x[np.arange(shape[0]), y] = x.max(axis=1) + rng.uniform(5, 30, shape[0])
    return x.astype(dtype), y


def binary_inputs(rng, dtype, kind, n=4 * 1024 * 1024):
    if kind == "random":
        return (rng.standard_normal(n) * 4).astype(dtype), rng.uniform(size=n).astype(dtype)
    t = rng.integers(0, 2, n)
    z = (2 * t - 1) * (10 + 4 * np.abs(rng.standard_normal(n)))
    return z.astype(dtype), t.astype(dtype)


def _then(f, g, args):
    """A call of ``f(*args)`` followed by ``g(*args)``: a loss, then its gradient."""
    return lambda: (f(*args), g(*args))


def cases(dtype, kind, rng):
    """(case, shape, pass, {implementation: call}, input bytes) for one dtype and kind."""
    x, y = class_inputs(rng, dtype, kind)
    z, t = binary_inputs(rng, dtype, kind)
    losses = [  # name, inputs, lossbook loss and gradient, SciPy-based ones, torch loss
        ("softmax_cross_entropy", (x, y), lb.softmax_cross_entropy,
         lb.softmax_cross_entropy_grad, scipy_softmax_ce, scipy_softmax_ce_grad,
         F.cross_entropy),
        ("binary_cross_entropy_with_logits", (z, t), lb.binary_cross_entropy_with_logits,
         lb.binary_cross_entropy_with_logits_grad, scipy_bce_logits, scipy_bce_logits_grad,
         F.binary_cross_entropy_with_logits),
    ]
    out = []
    for name, args, loss, grad, sp_loss, sp_grad, torch_loss in losses:
        targs = tuple(torch.from_numpy(a) for a in args)
        out.append((name, args[0].shape, "forward", {
            "lossbook": partial(loss, *args), "scipy": partial(sp_loss, *args),
            "torch": partial(torch_loss, *targs)}, args[0].nbytes))
        out.append((name, args[0].shape, "forward+backward", {
            "lossbook": _then(loss, grad, args), "scipy": _then(sp_loss, sp_grad, args),
            "torch": partial(torch_fwd_bwd, torch_loss, *targs)}, args[0].nbytes))
    xt = torch.from_numpy(x)
    out.insert(2, ("logsumexp", x.shape, "forward", {
        "lossbook": partial(lb.logsumexp, x, axis=1),
        "scipy": partial(sps.logsumexp, x, axis=1),
        "torch": partial(torch.logsumexp, xt, dim=1)}, x.nbytes))
    return out


def markdown(rows) -> str:
    lines = ["| case | inputs | dtype | pass | lossbook (ms) | / SciPy-based | / torch "
             "| peak extra (x input) |", "|---|---|---|---|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['case']} {tuple(r['shape'])} | {r['inputs']} | {r['dtype']} | {r['pass']} | "
            f"{r['lossbook_s'] * 1e3:.2f} | {r['ratio_scipy']:.2f} | {r['ratio_torch']:.2f} | "
            f"{r['peak_mem_ratio']:.2f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=21)
    ap.add_argument("--no-accuracy", action="store_true", help="skip benchmarks/accuracy.py")
    ap.add_argument("-o", "--output", default=str(HERE / "results" / "speed.json"))
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    rows = []
    print(markdown([]), end="")
    for dtype in (np.float32, np.float64):
        for kind in ("random", "confident"):
            for case, shape, pas, fns, nbytes in cases(dtype, kind, rng):
                med = median_seconds(fns, args.repeat)
                row = {
                    "case": case, "inputs": kind, "dtype": np.dtype(dtype).name,
                    "shape": list(shape), "pass": pas,
                    "lossbook_s": med["lossbook"], "scipy_s": med["scipy"],
                    "torch_s": med["torch"],
                    "ratio_scipy": med["lossbook"] / med["scipy"],
                    "ratio_torch": med["lossbook"] / med["torch"],
                    "peak_mem_ratio": peak_extra(fns["lossbook"], nbytes),
                }
                rows.append(row)
                print(markdown([row]).splitlines()[-1], flush=True)
    info = machine()
    result = {
        "generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": info | {"threads": 1, "repeat": args.repeat, "clock": "thread CPU time"},
        "rows": rows,
    }
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1) + "\n")
    out.with_suffix(".md").write_text(
        f"Measured {result['generated']} on {info['cpu']}, Python {info['python']}, numpy "
        f"{info['numpy']}, SciPy {info['scipy']}, torch {info['torch']} (1 thread), thread CPU "
        f"time, median of {args.repeat} interleaved rounds; generated by `benchmarks/run.py`."
        "\n\n"
        + markdown(rows))
    print(f"wrote {out}")
    if not args.no_accuracy:
        subprocess.run([sys.executable, str(HERE / "accuracy.py")], check=True)


if __name__ == "__main__":
    main()
