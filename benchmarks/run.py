"""Speed and memory of lossbook against SciPy and PyTorch CPU, side by side in one process.

Single-threaded (``torch.set_num_threads(1)``; numpy's elementwise kernels are
single-threaded), the median of ``--repeat`` runs (default 9) after one warm-up.
Ratios below 1 mean lossbook is faster. Peak extra memory is measured with
tracemalloc (numpy reports its buffers to it) as a multiple of the input's size.

    python benchmarks/run.py [--repeat 9] [--markdown benchmarks/table.md]

These are benchmark targets, not tests: the machines are shared and noisy.
Targets: ratio to the SciPy-based version <= 1.0, ratio to torch <= 1.5, peak
extra memory <= 3x the input.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
import tracemalloc

import numpy as np
import scipy
import scipy.special as sps
import torch

import lossbook as lb

torch.set_num_threads(1)
F = torch.nn.functional


def median_seconds(fn, repeat: int) -> float:
    fn()  # warm-up: page faults, caches, lazy imports
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


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


def torch_ce(xt, yt):
    return F.cross_entropy(xt, yt)


def torch_ce_fwd_bwd(xt, yt):
    xt = xt.detach().requires_grad_(True)
    F.cross_entropy(xt, yt).backward()
    return xt.grad


def cases(dtype, rng):
    """(name, lossbook call, SciPy-based call or None, torch call, input bytes) for one dtype."""
    x = (rng.standard_normal((4096, 1000)) * 3).astype(dtype)
    y = rng.integers(0, 1000, 4096)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    z = (rng.standard_normal(4 * 1024 * 1024) * 4).astype(dtype)
    t = rng.uniform(size=z.size).astype(dtype)
    zt, tt = torch.from_numpy(z), torch.from_numpy(t)
    return [
        ("softmax_cross_entropy (4096, 1000)",
         lambda: lb.softmax_cross_entropy(x, y),
         lambda: scipy_softmax_ce(x, y), lambda: torch_ce(xt, yt), x.nbytes),
        ("softmax_cross_entropy_grad (torch: fwd+bwd)",
         lambda: lb.softmax_cross_entropy_grad(x, y),
         lambda: scipy_softmax_ce_grad(x, y), lambda: torch_ce_fwd_bwd(xt, yt), x.nbytes),
        ("logsumexp (4096, 1000), axis=1",
         lambda: lb.logsumexp(x, axis=1),
         lambda: sps.logsumexp(x, axis=1), lambda: torch.logsumexp(xt, dim=1), x.nbytes),
        ("binary_cross_entropy_with_logits (4M)",
         lambda: lb.binary_cross_entropy_with_logits(z, t),
         None, lambda: F.binary_cross_entropy_with_logits(zt, tt), z.nbytes),
    ]


def ratio(a, b):
    return "-" if b is None else f"{a / b:.2f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--markdown", help="also write the table to this file")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    header = "| case | dtype | lossbook (ms) | / SciPy-based | / torch | peak extra (x input) |"
    lines = [header, "|---|---|---:|---:|---:|---:|"]
    print(header)
    for dtype in (np.float32, np.float64):
        for name, ours, peer_scipy, peer_torch, nbytes in cases(dtype, rng):
            t_ours = median_seconds(ours, args.repeat)
            t_scipy = peer_scipy and median_seconds(peer_scipy, args.repeat)
            t_torch = median_seconds(peer_torch, args.repeat)
            mem = peak_extra(ours, nbytes)
            line = (
                f"| {name} | {np.dtype(dtype).name} | {t_ours * 1e3:.2f} | "
                f"{ratio(t_ours, t_scipy)} | {ratio(t_ours, t_torch)} | {mem:.2f} |"
            )
            lines.append(line)
            print(line, flush=True)
    machine = (
        f"{platform.machine()} ({os.cpu_count()} cores), Python {platform.python_version()}, "
        f"numpy {np.__version__}, scipy {scipy.__version__}, torch {torch.__version__} "
        f"(1 thread), median of {args.repeat} runs"
    )
    print(machine)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(f"Measured on: {machine}.\n\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
