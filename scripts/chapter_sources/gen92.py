# ruff: noqa
"""Generate chapters/92_accuracy_report.ipynb (then run scripts/execute_notebooks.py)."""
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
import nbgen  # noqa: E402
from nbgen import code, fig, md, write  # noqa: E402

nbgen.CELLS.clear()

md(r"""
(ch-accuracy-report)=
# Accuracy and speed

This appendix is generated from the results files that `make bench` writes into
`benchmarks/results/`; no number on it is typed by hand. It reports how far `lossbook`,
SciPy and PyTorch (CPU) are from exact values computed with mpmath, in ulps, in float64
and float32, and how fast and how memory-hungry `lossbook` is next to the other two.
{ref}`ch-stability` explains the regimes, the stable forms behind the numbers and how an
error in ulps is measured.
""")

code(r"""
import json
from pathlib import Path

import numpy as np
from IPython.display import Markdown, display

import lossbook as lb
from lossbook import plotting

plotting.use_style()
RESULTS = Path(lb.__file__).resolve().parent.parent / "benchmarks" / "results"


def load(name):
    path = RESULTS / name
    return json.loads(path.read_text()) if path.is_file() else None


ACCURACY, SPEED, CURVES = load("accuracy.json"), load("speed.json"), load("ulp_curves.json")
NO_DIGIT = {"float64": 2.0**52, "float32": 2.0**23}
LIBRARIES = {  # the same look as in the chapter on numerical stability
    "lossbook": ("lossbook", plotting.COLORS[0], "o"),
    "scipy": ("SciPy", plotting.COLORS[2], "s"),
    "torch": ("PyTorch", plotting.COLORS[3], "^"),
    "naive": ("textbook", plotting.COLORS[1], "x"),
}


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    display(Markdown("\n".join(lines)))


def ulps(v, dtype):
    if v is None:
        return "-"
    v = float(v)
    if not np.isfinite(v):
        return "inf/nan"
    text = f"{v:.2g}"
    return f"**{text}**" if v >= NO_DIGIT[dtype] / 4 else text
""", tags=("remove-input",))

md(r"""
## The machine
""")

code(r"""
def describe(doc, what):
    if doc is None:
        print(f"{what}: no results file in benchmarks/results (run `make bench`).")
        return
    m = doc["machine"]
    parts = ", ".join(f"{k} {v}" for k, v in m.items())
    print(f"{what} (generated {doc['generated']}): {parts}")


describe(ACCURACY, "accuracy")
describe(SPEED, "speed")
describe(CURVES, "ulp curves")
""")

md(r"""
(sec-report-accuracy)=
## Accuracy against mpmath

Each row is one function in one input regime: the worst error, in ulps of the exact
value, over the sampled inputs of that regime (`n`). Bold entries are at least a quarter
of $2^{52}$ ulps in float64 or $2^{23}$ in float32: no significant digit is right. A dash
means the library has no such function; "inf/nan" means it returned an infinity or nan
where the exact value is finite.
""")

code(r"""
if ACCURACY is None:
    print("benchmarks/results/accuracy.json is missing: run `make bench`.")
else:
    rows = []
    for r in sorted(ACCURACY["rows"], key=lambda r: (r["function"], r["regime"], r["dtype"])):
        rows.append([r["function"], r["regime"], r["dtype"], r["n_points"]]
                    + [ulps(r.get(lib), r["dtype"]) for lib in ("lossbook", "scipy", "torch",
                                                               "naive")])
    table(["function", "regime", "dtype", "n", "lossbook", "SciPy", "PyTorch", "textbook"], rows)
""")

fig("fig-report-accuracy",
    "The worst error in ulps of each library in every measured function and regime, one "
    "point per row of the table above (float64 above, float32 below). Above the dotted line "
    "no digit is correct; points at the top edge stand for inf or nan.",
    "Strip plot: for each of four libraries a column of points, one per function and "
    "regime, on a logarithmic axis of the worst error in ulps; two panels for float64 "
    "and float32.",
    r"""
from matplotlib.ticker import LogLocator

fig, axes = plotting.new_figure(2, 1, width=4.6, height=8.0, layout="constrained")
rng = np.random.default_rng(0)                 # fixed jitter, so the figure is reproducible
for ax, dtype in zip(axes, ("float64", "float32")):
    rows = [r for r in ACCURACY["rows"] if r["dtype"] == dtype]
    values = {lib: np.array([np.nan if r.get(lib) is None else float(r[lib]) for r in rows])
              for lib in LIBRARIES}
    finite = np.concatenate([v[np.isfinite(v)] for v in values.values()])
    top = 10.0 ** np.ceil(np.log10(max(finite.max(), NO_DIGIT[dtype]) * 30))
    shown = [lib for lib in LIBRARIES if not np.isnan(values[lib]).all()]  # a library with data
    for j, lib in enumerate(shown):
        name, color, marker = LIBRARIES[lib]
        v = values[lib]
        v = np.where(np.isnan(v), np.nan, np.where(np.isfinite(v), np.clip(v, 1e-1, None), top))
        ax.plot(j + rng.uniform(-0.25, 0.25, len(v)), v, marker, color=color, ms=7, ls="none",
                markerfacecolor=color if lib == "lossbook" else "none")
    ax.axhline(NO_DIGIT[dtype], color="black", lw=1.2, ls=":")
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(base=10, numticks=5))
    ax.set_ylim(5e-2, top * 2)
    ax.set_xticks(range(len(shown)), [LIBRARIES[lib][0] for lib in shown])
    ax.set_ylabel(f"ulps, {dtype}")
    ax.grid(axis="x", visible=False)
""")

md(r"""
The chapter on numerical stability shows the same measurements point by point, as
curves of the error against the input ({ref}`sec-stab-regimes` and the figures before
it); its inputs and exact values are in `benchmarks/results/ulp_curves.json`. The worst
errors along those curves:
""")

code(r"""
rows = []
for c in CURVES["curves"]:
    worst = []
    for lib in ("lossbook", "scipy", "torch"):
        e = np.array([np.inf if isinstance(v, str) else v for v in c["ulp"][lib]], dtype=float)
        worst.append(ulps(e.max(), c["dtype"]))
    rows.append([c["name"], c["dtype"], c["n_points"], *worst])
table(["family", "dtype", "points", "lossbook", "SciPy", "PyTorch"], rows)
""")

md(r"""
(sec-report-speed)=
## Speed and memory

Times are medians of repeated runs in one process with one thread; a ratio is
`lossbook`'s time divided by the peer's, so below 1 means `lossbook` is faster. "random"
inputs have logits of moderate size; "confident" inputs are rows in which the correct
class leads by a wide margin, the regime where the accurate forms do extra work. The
peak memory is the largest extra allocation during the call, as a multiple of the input's
size.
""")

code(r"""
if SPEED is None:
    print("benchmarks/results/speed.json is missing: run `make bench`.")
else:
    def ratio(v):
        return "-" if v is None else f"{v:.2f}"

    rows = [[r["case"], r["inputs"], r["dtype"], " x ".join(map(str, r["shape"])), r["pass"],
             f"{r['lossbook_s'] * 1e3:.2f}", ratio(r.get("ratio_scipy")),
             ratio(r.get("ratio_torch")), ratio(r.get("peak_mem_ratio"))]
            for r in SPEED["rows"]]
    table(["case", "inputs", "dtype", "shape", "pass", "lossbook (ms)", "/ SciPy", "/ PyTorch",
           "peak memory (x input)"], rows)
""")

fig("fig-report-speed",
    "lossbook's time divided by SciPy's (squares) and by PyTorch's (triangles) for each "
    "benchmark case; below 1 lossbook is faster. The dotted lines mark the targets: 1.0 "
    "against SciPy, 1.5 against PyTorch. CE: softmax cross-entropy, LSE: log-sum-exp, BCE: "
    "binary cross-entropy with logits; fwd: forward, fwd+bwd: with the gradient; rand or "
    "conf: random or confident inputs; 32 or 64: float32 or float64.",
    "Dot plot of speed ratios, one row per benchmark case, against a logarithmic axis of the "
    "ratio, with reference lines at 1.0 and 1.5.",
    r"""
SHORT = {"softmax_cross_entropy": "CE", "logsumexp": "LSE",
         "binary_cross_entropy_with_logits": "BCE"}
cases = [f"{SHORT.get(r['case'], r['case'])} {'fwd+bwd' if '+' in r['pass'] else 'fwd'}, "
         f"{r['inputs'][:4]}, {r['dtype'][-2:]}" for r in SPEED["rows"]]
fig, ax = plotting.new_figure(width=3.4, height=max(3.5, 0.42 * len(cases) + 1.5),
                              layout="constrained")
y = np.arange(len(cases))
for lib, key in (("scipy", "ratio_scipy"), ("torch", "ratio_torch")):
    name, color, marker = LIBRARIES[lib]
    v = np.array([np.nan if r.get(key) is None else r[key] for r in SPEED["rows"]], dtype=float)
    ax.plot(v, y, marker, color=color, ms=7, ls="none", label=f"/ {name}", markerfacecolor="none")
for target in (1.0, 1.5):
    ax.axvline(target, color="black", lw=1, ls=":")
ax.set_xscale("log")
ax.set_yticks(y, cases)
ax.invert_yaxis()
ax.set_xlabel("time ratio, lossbook / peer")
legend = fig.legend(*ax.get_legend_handles_labels(), loc="outside upper center", ncols=2);
""")

md(r"""
## How to reproduce

From a clone of the repository, `make bench` creates the environment (with SciPy,
PyTorch and mpmath, which the book itself does not need) and runs the benchmark and
accuracy scripts in `benchmarks/`, which rewrite the three results files:

- `benchmarks/results/accuracy.json`: the worst error per function, regime and dtype;
- `benchmarks/results/speed.json`: times, ratios and peak memory per case;
- `benchmarks/results/ulp_curves.json` (`benchmarks/ulp_curves.py`): the inputs, exact
  values and errors point by point that the numerical-stability chapter plots.

Then `make notebooks` re-executes the chapters, this appendix included, against the new
files, and `make book` builds the site. Timings depend on the machine and on its load:
expect differences of tens of percent between runs; the errors in ulps do not depend on
the machine beyond the versions of the libraries listed above.
""")

write(str(__import__("pathlib").Path(__file__).resolve().parents[2] / "chapters") + "/92_accuracy_report.ipynb")
print("written")
