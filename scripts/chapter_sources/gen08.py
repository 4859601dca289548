# ruff: noqa
"""Generate chapters/08_numerical_stability.ipynb (then run scripts/execute_notebooks.py)."""
import sys

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from nbgen import code, fig, md, write  # noqa: E402

# ---------------------------------------------------------------------------------------
md(r"""
(ch-stability)=
# Numerical stability

Every loss in this book is the negative log-likelihood of a model that predicts a
distribution of $y$ given $x$: a Bernoulli parameter $\sigma(z)$ for binary labels
({ref}`ch-sigmoid-bce`), a categorical distribution $\operatorname{softmax}(z)$ for
classes ({ref}`ch-softmax`). Those chapters derive the formulas. This chapter asks
what happens when a computer evaluates them. A computer has no real numbers, only a
finite set of floating-point numbers, and the textbook formulas typed in as they stand
return `inf`, `nan`, or a number without a single correct digit. They fail exactly where
a trained classifier spends most of its time: on confident predictions.

The cure is old and well understood {cite}`goldberg1991,higham2002`: rewrite each
formula so that nothing overflows, nothing that matters underflows, and no large numbers
cancel to leave a small one. {cite}`heinzer2020` (section "Numerical stability") gives the
shifted softmax and two forms of the sigmoid; {cite}`chen_lossfunctions` (section 2.2, "In
Software Implementation") and {cite}`goodfellow2016` (section 4.1) advise writing the loss
as a function of the logit; {cite}`blanchard2021` analyse log-sum-exp and softmax in
detail. We derive each stable form (every step checked by SymPy), read the library's own
code for it, and then measure: the textbook formula, SciPy, PyTorch and `lossbook`
against exact values computed with 300-bit arithmetic, in float32 and float64.

What you will see:

- floating point in one page: the spacing of the numbers (ulps), overflow, underflow,
  subnormal numbers, cancellation, and how we measure an error;
- for the sigmoid, softplus, log-sigmoid, log-sum-exp, softmax, log-softmax, the binary
  and softmax cross-entropies from logits, their gradients and the KL divergence of two
  nearly equal distributions: the failure of the naive form, the stable form and its
  derivation, the library's code, and its error in ulps across the input range;
- the regimes where SciPy and PyTorch lose every digit (a log-probability near 0, a
  confident correct prediction whose loss is below machine epsilon, the gradient
  $p_y - 1$, the sigmoid's subnormal tail, KL as $q \to p$), and what `lossbook` keeps
  there;
- what the accurate forms cost in speed.
""")

code(r"""
import inspect

import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import log1p   # exact values of log(1 + tiny), for comparison

import lossbook as lb
from lossbook import plotting

plotting.use_style()
""")

code(r"""
# Bookkeeping: the results files written by `make bench`, and how to show library code.
import ast
import json
import textwrap
from pathlib import Path

from IPython.display import Markdown, display

RESULTS = Path(lb.__file__).resolve().parent.parent / "benchmarks" / "results"
ULP_FILE = json.loads((RESULTS / "ulp_curves.json").read_text())
CURVES = {(c["name"], c["dtype"]): c for c in ULP_FILE["curves"]}


def show_source(*functions, docstrings=True):
    # The library's code as it is installed, read with inspect (never copied); with
    # docstrings=False the docstrings are left out (help(function) shows them).
    parts = []
    for f in functions:
        text = textwrap.dedent(inspect.getsource(f))
        node = ast.parse(text).body[0]
        if not docstrings and ast.get_docstring(node) is not None:
            lines = text.splitlines()
            del lines[node.body[0].lineno - 1 : node.body[0].end_lineno]
            text = "\n".join(lines)
        parts.append(text.rstrip())
    display(Markdown("```python\n" + "\n\n".join(parts) + "\n```"))


def table(header, rows):
    # A small Markdown table.
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(v).replace("|", "\\|") for v in row) + " |" for row in rows]
    display(Markdown("\n".join(lines)))
""", tags=("remove-input",))

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-floating-point)=
## Floating point in one page

A float64 number is $\pm 1.f \times 2^{e}$ with a fraction $f$ of 52 bits and an exponent
$e$ from $-1022$ to $1023$; float32 has 23 fraction bits and $e$ from $-126$ to $127$
{cite}`goldberg1991`. Between two powers of two the numbers are equally spaced, and the
gap between neighbours is the **unit in the last place**, the ulp: $2^{e-52}$ in
float64. Relative to the number itself the gap is always between $2^{-53}$ and
$2^{-52}$, so rounding a real number to the nearest float64 changes it by a relative
error of at most $u = 2^{-53} \approx 1.1 \times 10^{-16}$ (the *unit roundoff*;
$2^{-24} \approx 6 \times 10^{-8}$ in float32). Machine epsilon, the gap above 1, is
$2u$. numpy reports the limits of each format:
""")

code(r"""
rows = []
for dtype in (np.float64, np.float32):
    fi = np.finfo(dtype)
    rows.append([fi.dtype.name, f"{float(fi.eps):.3g}", f"{float(fi.max):.4g}",
                 f"{float(np.log(fi.max)):.2f}", f"{float(fi.tiny):.4g}",
                 f"{float(fi.smallest_subnormal):.4g}",
                 f"{float(np.log(fi.smallest_subnormal)):.2f}"])
table(["format", "machine epsilon", "largest", "log largest", "smallest normal",
       "smallest subnormal", "log smallest"], rows)
""")

md(r"""
Three things go wrong, and each has a number attached.

**Overflow.** A result larger than the largest finite number becomes `inf`. For the
exponential that happens early: $e^{x}$ overflows float64 for $x > 709.78$ and float32
for $x > 88.72$. A logit of 100 is not unusual, and $e^{100}$ is already out of float32's
range.

**Underflow and subnormal numbers.** Below the smallest *normal* number
($2.2 \times 10^{-308}$) float64 continues with *subnormal* numbers, whose leading bit is
0: they fill the gap down to $2^{-1074} \approx 4.9 \times 10^{-324}$ with the fixed
spacing $2^{-1074}$, so they carry fewer and fewer significant bits. Below that,
results round to 0. For the exponential, $e^{x}$ is subnormal for $-745.1 < x < -708.4$
and 0 below. A probability $e^{-720}$ is a number a float64 holds to 36 significant bits
(about 11 decimal digits), $e^{-740}$ to 7 bits:
""")

code(r"""
with np.errstate(over="ignore", under="ignore"):     # numpy would warn here
    print("exp(709.78) =", np.exp(709.78), "   exp(710) =", np.exp(710.0))
    print("exp(88.7) in float32 =", np.exp(np.float32(88.7)),
          "   exp(88.8) in float32 =", np.exp(np.float32(88.8)))
    for x in (-700.0, -720.0, -740.0, -745.0, -746.0):
        v = np.exp(x)
        bits = 0 if v == 0 else min(53, int(np.frexp(v)[1]) + 1074)   # v = f 2^e, f in [1/2, 1)
        print(f"exp({x:.0f}) = {v:.6g}   significant bits: {bits}")
""")

md(r"""
The spacing itself is what a format can resolve. Relative to the number it is flat,
$2^{-52}$ (float64) or $2^{-23}$ (float32), across the whole normal range; in the
subnormal range it grows until, at the smallest subnormal, a number and its neighbour
differ by 100 %:
""")

fig("fig-ch08-spacing",
    "The relative spacing of floating-point numbers, np.spacing(x) / x, from the smallest "
    "subnormal to the largest finite number. It is flat (the precision of the format) over "
    "the normal range and rises to 1 in the subnormal range, where numbers lose "
    "significant bits. Dotted lines: the smallest normal number of each format.",
    "Log-log plot of relative spacing against x for float64 and float32: two flat lines at "
    "2e-16 and 1e-7 that rise steeply below 1e-308 and 1e-38.",
    r"""
_, ax = plotting.new_figure(width=4.6)
ax.set_xscale("log")
ax.set_xlim(1e-323, 1e300)     # fixed limits: autoscaling near 1e308 would overflow
for i, dtype in enumerate((np.float64, np.float32)):
    fi = np.finfo(dtype)
    xs = np.geomspace(float(fi.smallest_subnormal), min(float(fi.max) / 2, 1e300), 2000)
    xs = xs.astype(dtype)
    rel = np.spacing(xs).astype(float) / xs.astype(float)
    ax.loglog(xs.astype(float), rel, color=plotting.COLORS[i],
              ls=("-", "--")[i], label=fi.dtype.name)
    ax.axvline(float(fi.tiny), color=plotting.COLORS[i], lw=1, ls=":")
ax.set_xticks([1e-300, 1e-150, 1.0, 1e150, 1e300])
ax.set_xlabel("$x$")
ax.set_ylabel("spacing(x) / x")
legend = ax.legend(loc="center left", bbox_to_anchor=(0.1, 0.5));
""")

md(r"""
**Cancellation.** Subtracting two nearly equal numbers is exact (Sterbenz's lemma), but
the result inherits the *absolute* errors of its operands, and relative to the small
difference those errors are large. If $a$ and $b$ carry relative errors
$\varepsilon_1, \varepsilon_2$, the relative error of $a - b$ is
""")

code(r"""lb.chain("stability.cancellation")""")

md(r"""
which can be as large as $u\,(|a| + |b|) / |a - b|$. The classic instance in this
book: $\sigma(40) = 1 - 4.25 \times 10^{-18}$ rounds to exactly 1, so $1 - \sigma(40)$
computed as a difference is 0, although the exact value is far above the smallest
float64. The same happens inside a logarithm. Rounding $1 + v$ multiplies it by some
$1 + \varepsilon$ with $|\varepsilon| \le 2^{-53}$, and the logarithm turns that factor
into an *absolute* error:
""")

code(r"""lb.chain("stability.log-rounded-sum")""")

md(r"""
Since $\log(1 + v) \approx v$ for small $v$, the relative error is about
$\varepsilon / v$: for $v$ below $2^{-53}$ nothing is left. This is why numerical
libraries provide `log1p(v)` $= \log(1 + v)$ and `expm1(v)` $= e^{v} - 1$, computed
without ever forming $1 + v$. The last effect runs the other way: an absolute error $h$
in the argument of an exponential becomes a *relative* error $h$ of the result,
""")

code(r"""lb.chain("stability.exp-amplification")""")

md(r"""
and the absolute rounding error of an argument like $x - m = -700.3$ is about
$700 \cdot 2^{-53}$, so $e^{x - m}$ inherits a relative error of hundreds of units of
roundoff.
""")

code(r"""
with np.errstate(divide="ignore"):
    s40 = 1 / (1 + np.exp(-40.0))
    print("sigma(40) == 1.0:", s40 == 1.0, "   1 - sigma(40) =", 1 - s40,
          "   exact:", sp.N(1 / (1 + sp.exp(40)), 4))   # 1 - sigma(x) = sigma(-x)
    print("log(1 + 1e-17) =", np.log(1 + 1e-17), "   log1p(1e-17) =", np.log1p(1e-17))
    print("(1 + 1e-17) - 1 =", (1 + 1e-17) - 1)
""")

md(r"""
### Measuring an error in ulps

An error is best measured in units of the spacing at the exact result: a computed $c$
for the exact value $y$ has the error $|c - y| / \operatorname{ulp}(y)$, with
$\operatorname{ulp}(y)$ the spacing of the format at $y$ rounded to it (the smallest
subnormal for subnormal or zero results). Correct rounding gives at most 0.5 ulp; a good
library function stays within a few. An error of about $2^{52} \approx 4.5 \times
10^{15}$ ulps in float64 ($2^{23} \approx 8.4 \times 10^{6}$ in float32) is a relative
error of order 1: no digit is right. A result of `nan` or `inf` where the exact value is
finite counts as an infinite error.

The exact values come from `benchmarks/ulp_curves.py`, which `make bench` runs. It
evaluates every input of this chapter with mpmath at 300 bits and stores the exact
result $y$ as a pair of float64 numbers, `exact_hi + exact_lo` with `exact_hi` the
nearest float64, enough to measure a float64 result to a small fraction of an ulp
with numpy. The same script measured SciPy and PyTorch on the same inputs; the book reads
their errors from the file and does not need either library installed. The textbook
formulas and `lossbook` are evaluated here, live:
""")

code(r"""
def ulp_error(computed, exact_hi, exact_lo, dtype):
    # |computed - exact| / spacing(exact rounded to dtype), exact = exact_hi + exact_lo.
    c = np.asarray(computed, dtype=np.float64)
    hi, lo = np.asarray(exact_hi), np.asarray(exact_lo)
    with np.errstate(all="ignore"):
        step = np.spacing(np.abs(hi.astype(dtype))).astype(np.float64)
        err = np.abs((c - hi) - lo) / step      # c - hi is exact where it matters
    return np.where(np.isfinite(c), err, np.inf)


machine = ULP_FILE["machine"]
print(f"exact values and peer errors: generated {ULP_FILE['generated']} on "
      f"{machine['machine']} with numpy {machine['numpy']}, SciPy {machine['scipy']}, "
      f"PyTorch {machine['torch']}, mpmath {machine['mpmath']} ({machine['mpmath_bits']} bits)")
""")

md(r"""
Here are the formulas as a textbook writes them, typed into numpy. They are the
"naive" forms measured throughout the chapter:
""")

code(r"""
def pick(rows, labels):
    return rows[np.arange(len(rows)), labels]

def naive_sigmoid(x):           return 1 / (1 + np.exp(-x))
def naive_softplus(x):          return np.log(1 + np.exp(x))
def naive_log_sigmoid(x):       return np.log(naive_sigmoid(x))
def naive_logsumexp(rows):      return np.log(np.exp(rows).sum(axis=-1))
def naive_softmax(rows):        return np.exp(rows) / np.exp(rows).sum(axis=-1, keepdims=True)
def naive_log_softmax(rows):    return np.log(naive_softmax(rows))
def naive_bce(z, t):            return -(t * np.log(naive_sigmoid(z))
                                         + (1 - t) * np.log(1 - naive_sigmoid(z)))
def naive_bce_grad(z, t):       return naive_sigmoid(z) - t
def naive_softmax_ce(rows, y):  return -np.log(pick(naive_softmax(rows), y))
def naive_ce_grad(rows, y):     return pick(naive_softmax(rows), y) - 1
def naive_kl(p, q):             return (p * np.log(p / q)).sum(axis=-1)
""")

code(r"""
# Bookkeeping: every measured family, its naive form and its lossbook call on the stored
# inputs, and the figures of the ulp error against the family's parameter.
from matplotlib.ticker import LogLocator

FAMILIES = {
    "sigmoid": (lambda i: naive_sigmoid(i["x"]), lambda i: lb.sigmoid(i["x"])),
    "softplus": (lambda i: naive_softplus(i["x"]), lambda i: lb.softplus(i["x"])),
    "log_sigmoid": (lambda i: naive_log_sigmoid(i["x"]), lambda i: lb.log_sigmoid(i["x"])),
    "logsumexp": (lambda i: naive_logsumexp(i["rows"]), lambda i: lb.logsumexp(i["rows"])),
    "softmax": (lambda i: naive_softmax(i["rows"])[:, 1], lambda i: lb.softmax(i["rows"])[:, 1]),
    "log_softmax": (lambda i: naive_log_softmax(i["rows"])[:, 0],
                    lambda i: lb.log_softmax(i["rows"])[:, 0]),
    "bce_logits": (lambda i: naive_bce(i["x"], i["t"]),
                   lambda i: lb.binary_cross_entropy_with_logits(i["x"], i["t"],
                                                                 reduction="none")),
    "bce_logits_grad": (lambda i: naive_bce_grad(i["x"], i["t"]),
                        lambda i: lb.binary_cross_entropy_with_logits_grad(
                            i["x"], i["t"], reduction="none")),
    "softmax_ce": (lambda i: naive_softmax_ce(i["rows"], i["labels"]),
                   lambda i: lb.softmax_cross_entropy(i["rows"], i["labels"], reduction="none")),
    "softmax_ce_grad": (lambda i: naive_ce_grad(i["rows"], i["labels"]),
                        lambda i: pick(lb.softmax_cross_entropy_grad(
                            i["rows"], i["labels"], reduction="sum"), i["labels"])),
    "kl": (lambda i: naive_kl(i["p"], i["q"]), lambda i: lb.kl_divergence(i["p"], i["q"])),
}
LIBRARIES = {  # label, colour, line style, marker: one look per library in every figure
    "naive": ("textbook", plotting.COLORS[1], ":", "x"),
    "scipy": ("SciPy", plotting.COLORS[2], "--", "s"),
    "torch": ("PyTorch", plotting.COLORS[3], "-.", "^"),
    "lossbook": ("lossbook", plotting.COLORS[0], "-", "o"),
}
NO_DIGIT = {"float64": 2.0**52, "float32": 2.0**23}


def curve_inputs(curve):
    dt = np.dtype(curve["dtype"])
    out = {k: np.array(v, dtype=np.int64 if k == "labels" else dt)
           for k, v in curve["inputs"].items()}
    out.setdefault("x", np.array(curve["x"], dtype=dt))
    return out


def errors(name, dtype):
    # The parameter and the ulp error of every library along one family.
    curve = CURVES[(name, dtype)]
    inp = curve_inputs(curve)
    naive, ours = FAMILIES[name]
    with np.errstate(all="ignore"):
        live = {"naive": naive(inp), "lossbook": ours(inp)}
    errs = {lib: ulp_error(v, curve["exact_hi"], curve["exact_lo"], dtype)
            for lib, v in live.items()}
    for lib in ("scipy", "torch"):
        errs[lib] = np.array(curve["ulp"][lib], dtype=float)
    return np.array(curve["x"]), errs


def in_regime(x, ranges):
    ranges = ranges if isinstance(ranges[0], list) else [ranges]
    return np.any([(x >= lo) & (x <= hi) for lo, hi in ranges], axis=0)


def worst(name, dtype):
    # Worst ulp error of each library inside the family's regime of interest.
    x, errs = errors(name, dtype)
    regime, ranges = next(iter(CURVES[(name, dtype)]["regimes"].items()))
    mask = in_regime(x, ranges)
    return regime, {lib: float(e[mask].max()) for lib, e in errs.items()}


def worst_relative(name, dtype):
    # The worst relative error |c - y| / |y| among the errors beyond 8 ulps (an ulp of a
    # subnormal result is a larger fraction of it than 2^-52).
    x, errs = errors(name, dtype)
    curve = CURVES[(name, dtype)]
    hi = np.abs(np.array(curve["exact_hi"]).astype(dtype)).astype(float)
    mask = in_regime(x, next(iter(curve["regimes"].values()))) & (hi > 0)   # not rounded to 0
    step = np.spacing(hi.astype(dtype)).astype(float)[mask] / hi[mask]
    # only errors beyond 8 ulps count: a subnormal result near 2^-1074 has a bit or two,
    # and rounding it correctly is already a relative error of up to 1/2
    return {lib: float(np.where(e[mask] > 8, e[mask] * step, 0).max())
            for lib, e in errs.items()}


def fmt_ulp(v):
    return "inf or nan" if not np.isfinite(v) else f"{v:.2g}"


def ulp_figure(name, xlabel, xscale="linear"):
    # Two panels (float64 above, float32 below): the error of each library along a family.
    fig, axes = plotting.new_figure(2, 1, width=4.6, height=7.4, layout="constrained")
    for ax, dtype in zip(axes, ("float64", "float32")):
        x, errs = errors(name, dtype)
        finite = np.concatenate([e[np.isfinite(e)] for e in errs.values()])
        top = 10.0 ** np.ceil(np.log10(max(finite.max(), NO_DIGIT[dtype]) * 30))
        for lib in ("naive", "scipy", "torch", "lossbook"):
            label, color, ls, marker = LIBRARIES[lib]
            e = np.maximum(errs[lib], 1e-2)
            ax.plot(x, np.where(np.isfinite(e), e, np.nan), ls=ls, color=color, label=label,
                    lw=2.6 if lib == "lossbook" else 2.0, zorder=3 if lib == "lossbook" else 2)
            bad = ~np.isfinite(e)
            if bad.any():
                ax.plot(x[bad], np.full(bad.sum(), top), marker, color=color, ms=5,
                        ls="none", clip_on=False)
        ax.axhline(NO_DIGIT[dtype], color="black", lw=1.2, ls=":")
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(base=10, numticks=4))
        ax.set_xscale(xscale)
        ax.set_ylim(1e-2, top * 1.5)
        ax.set_ylabel(f"ulps, {dtype}")
    axes[1].set_xlabel(xlabel)
    fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center", ncols=2,
               handlelength=2.4, columnspacing=1.0)
    return axes


def summary(name, what):
    # One sentence per dtype: the worst error of each library in the family's regime.
    for dtype in ("float64", "float32"):
        regime, w = worst(name, dtype)
        parts = ", ".join(f"{LIBRARIES[k][0]} {fmt_ulp(w[k])}" for k in LIBRARIES)
        print(f"{what}, {regime}, {dtype}: worst error in ulps: {parts}")
""", tags=("remove-input",))

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-sigmoid)=
## The sigmoid

Both textbook forms of the sigmoid fail, each on one side. $1/(1 + e^{-x})$ overflows in
$e^{-x}$ for $x < -709.78$ and returns $1/\infty = 0$; that limit is right to within
the smallest normal number, but the exact value, about $e^{x}$, is a representable
subnormal number down to $x = -745$, and all of it is lost. The other form
$e^{x}/(1 + e^{x})$ gives $\infty/\infty$ = `nan` for $x > 709.78$:
""")

code(r"""
xs = np.array([-800.0, -740.0, -30.0, 0.0, 30.0, 800.0])
with np.errstate(over="ignore", invalid="ignore"):
    first, second = 1 / (1 + np.exp(-xs)), np.exp(xs) / (1 + np.exp(xs))
rows = [[f"{x:g}", f"{a:.6g}", f"{b:.6g}", f"{float(lb.sigmoid(x)):.6g}",
         str(sp.N(1 / (1 + sp.exp(-sp.Integer(int(x)))), 6)).replace("E", "e")]
        for x, a, b in zip(xs, first, second)]
table(["x", "1/(1+exp(-x))", "exp(x)/(1+exp(x))", "lb.sigmoid", "exact"], rows)
""")

md(r"""
{cite}`heinzer2020` recommends the first form for $x \gg 0$ and the second for $x \ll 0$,
which is right, but says that the shift trick that stabilises the softmax "does not
apply" to the sigmoid because of its non-exponential term. It does apply: the constant
1 is $e^{0}$, so $\sigma(x)$ is the first entry of $\operatorname{softmax}(x, 0)$, and
shifting both logits by $c = x$ or $c = 0$ produces exactly the two forms. Shifting by
$c = \max(x, 0)$, the maximum of the two logits as for any softmax, gives the stable
form in one expression (see {ref}`erratum-000-sigmoid-shift`):
""")

code(r"""lb.chain("stability.sigmoid-forms")""")

md(r"""
Only one exponential is taken, $e^{-|x|} \in (0, 1]$, which cannot overflow. For
$x < 0$ the result is $e^{-|x|}/(1 + e^{-|x|})$, a product of a correctly rounded
exponential and a quotient near 1, so it keeps its relative accuracy all the way into
the subnormal range, where the sigmoid behaves like the exponential:
""")

code(r"""lb.chain("stability.sigmoid-tail")""")

md(r"""
This is the library's sigmoid, read from the installed package:
""")

code(r"""show_source(lb.sigmoid)""")

md(r"""
`as_float` validates the argument and converts it to a floating array (float32 stays
float32). `np.exp(-np.abs(x))` is the single exponential; its underflow to 0 for
$|x| > 745$ is harmless (the result is then 0 or 1, which is the correctly rounded
value) and `np.errstate(under="ignore")` keeps numpy from warning about it. `np.where`
picks the numerator 1 or $e$, the two branches of the chain's last line.
{numref}`fig-ch08-sigmoid` measures it along the whole input range.
""")

fig("fig-ch08-sigmoid",
    "Error in ulps of the sigmoid against its input. Left of x = -708 (float64) or -87 "
    "(float32) the exact value is subnormal: the textbook formula, SciPy's expit and "
    "PyTorch return 0 or lose digits there, while lossbook stays within a few ulps. Errors "
    "below 0.01 ulp are drawn at 0.01. The dotted line is 2^52 ulps (float64) or 2^23 (float32): no correct digit.",
    "Two panels, float64 and float32: error in ulps (log scale) of four implementations of "
    "the sigmoid against x. Three curves rise to about 1e14 or 1e6 ulps in the far left "
    "tail; lossbook's stays near 1.",
    r"""axes = ulp_figure("sigmoid", "$x$");""")

code(r"""summary("sigmoid", "sigmoid")""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-softplus)=
## Softplus and log-sigmoid

Softplus $\zeta(x) = \log(1 + e^{x})$ is the loss of a binary prediction
({ref}`ch-sigmoid-bce`), and $\log\sigma(x) = -\zeta(-x)$ is the log-probability of the
predicted class. Typed in as written, $\log(1 + e^{x})$ overflows for $x > 709.78$
although the result is just $x$, and for $x < -37$ the sum $1 + e^{x}$ rounds to 1 and
the result to 0, although the exact value $\approx e^{x}$ is a perfectly good number.
The stable form factors out the larger of the two terms $e^{0}$ and $e^{x}$:
""")

code(r"""lb.chain("stability.softplus-stable")""")

md(r"""
$\max(x, 0)$ is exact; $e^{-|x|} \le 1$ cannot overflow; and `log1p` evaluates
$\log(1 + v)$ to full relative accuracy even for the smallest $v$. The two terms are never
of opposite signs, so adding them cancels nothing. The log-sigmoid is the mirror image,
with two non-positive terms:
""")

code(r"""lb.chain("stability.log-sigmoid-stable")""")

md(r"""
Near $x \gg 0$ the log-sigmoid is a **log-probability near 0**: the model is confident
and right, $\log \sigma(x) \approx -e^{-x}$, a tiny negative number that
$\log(\sigma(x))$ computes as $\log(1) = 0$ as soon as $\sigma(x)$ rounds to 1 ($x > 37$
in float64, $x > 17$ in float32):
""")

code(r"""lb.chain("stability.log-sigmoid-tail")""")

code(r"""show_source(lb.softplus, lb.log_sigmoid)""")

md(r"""
Both follow their chains term for term. {numref}`fig-ch08-softplus` and
{numref}`fig-ch08-log-sigmoid` show the measurements. SciPy has no softplus; its users
write `np.logaddexp(0, x)`, which is the same stable form. PyTorch's `softplus` returns
$x$ itself once $x$ exceeds a threshold of 20, dropping $\log(1 + e^{-x}) \approx
e^{-20} = 2 \times 10^{-9}$, a relative error of $10^{-10}$, which is $10^{5}$ ulps
in float64 and invisible in float32.
""")

fig("fig-ch08-softplus",
    "Error in ulps of softplus against x. The textbook formula returns 0 in the left tail "
    "(no correct digit) and inf beyond x = 710; PyTorch's threshold at x = 20 costs it "
    "about 1e5 ulps in float64 between x = 20 and 37; lossbook and NumPy's logaddexp stay "
    "below 2 ulps. Crosses at the top edge mark inf or nan. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of softplus against x from -800 to 800 "
    "for four implementations.",
    r"""axes = ulp_figure("softplus", "$x$");""")

fig("fig-ch08-log-sigmoid",
    "Error in ulps of the log-sigmoid against x. For x > 37 (float64) or 17 (float32) the "
    "exact value is a log-probability near 0, about -exp(-x): the textbook log(sigma(x)) "
    "returns 0 there, SciPy's log_expit, PyTorch's logsigmoid and lossbook keep it. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the log-sigmoid against x for four "
    "implementations; the textbook formula rises to the no-correct-digit line on the right.",
    r"""axes = ulp_figure("log_sigmoid", "$x$");""")

code(r"""
summary("softplus", "softplus")
summary("log_sigmoid", "log-sigmoid")
""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-lse)=
## Log-sum-exp, softmax and log-softmax

The softmax cross-entropy is $\operatorname{logsumexp}(z) - z_y$ ({ref}`sec-logsumexp`), so
everything about it rests on computing $\log\sum_k e^{z_k}$. Typed in, it overflows as
soon as one logit exceeds 709.78 and returns $\log 0 = -\infty$ when all logits are below
$-745$; the softmax $e^{z_i}/\sum_k e^{z_k}$ becomes $\infty/\infty$ = `nan`, and the
log of a softmax entry that underflowed is $-\infty$:
""")

code(r"""
with np.errstate(all="ignore"):
    big, low, gap = np.array([1000.0, 1000.0]), np.array([-1000.0, -1000.0]), np.array([0.0, -800.0])
    print("naive logsumexp([1000, 1000])   =", naive_logsumexp(big), "   lossbook:", lb.logsumexp(big))
    print("naive logsumexp([-1000, -1000]) =", naive_logsumexp(low), "   lossbook:", lb.logsumexp(low))
    print("naive softmax([1000, 1000])     =", naive_softmax(big), "   lossbook:", lb.softmax(big))
    print("naive log_softmax([0, -800])    =", naive_log_softmax(gap),
          "   lossbook:", lb.log_softmax(gap))
""")

md(r"""
The remedy, in {cite}`heinzer2020` for the softmax and in every numerical library, is
the shift identity ({ref}`sec-stable-softmax` derives the shift invariance of the
softmax): any constant $c$ can be taken out of the sum.
""")

code(r"""lb.chain("stability.lse-shift")""")

md(r"""
With $c = m = \max_k x_k$ every exponent is $\le 0$ (no overflow) and the sum contains
the term $e^{0} = 1$ (it cannot underflow to 0). That is where most implementations
stop, and it is not enough. When the other entries are far below the maximum, the sum is
$1 + s$ with a tiny $s$, and rounding it to 1 throws $s$ away: $\operatorname{logsumexp}(0,
-40)$ is $\log(1 + e^{-40}) = 4.25 \times 10^{-18}$, but $\log(\text{fl}(1 + e^{-40})) =
\log 1 = 0$. The cure is to keep the maximum's term apart and use `log1p` on the sum of
the others (below, the entries are numbered so that $x_1$ is the largest, which loses no
generality):
""")

code(r"""lb.chain("stability.lse-max-term")""")

md(r"""
The softmax has a second, subtler error. The shifted exponent $x_i - m$ is itself a
rounded number when $x_i$ and $m$ are of different sizes, and the exponential turns its
absolute rounding error into a relative one (the chain `stability.exp-amplification`
above): for a row $(\tfrac13, \tfrac13 - d)$ the rounding error of
$(\tfrac13 - d) - \tfrac13$ is up to $d \cdot 2^{-53}$, so the small entry
$\approx e^{-d}$ carries an error of up to about $d/2$ ulps, several hundred at $d = 700$.
The error of the subtraction can be recovered exactly (the *TwoSum* algorithm of Knuth
{cite}`higham2002`, section 4.3) and put back as the first-order correction $e^{d + \delta}
\approx e^{d}(1 + \delta)$; or the exponentials can be taken without a shift whenever
that cannot overflow. The log-softmax at the row maximum is the **log-probability near
0** of a confident prediction again, $-\log(1 + s)$, and needs the same `log1p`.
""")

code(r"""
from lossbook import activations
show_source(activations._exp_rows, activations._shifted, activations._logsumexp_rows,
            activations._softmax_like, docstrings=False)
""")

md(r"""
All the row functions share one kernel, `_exp_rows`, applied to cache-sized blocks of
rows. For every row it finds the (first) maximum $m = x_a$ and the sum of the *other*
terms $s = \sum_{j \ne a} e^{x_j - m}$: the maximum's own term, exactly 1, is set to 0
before the row is summed (`out[r, a] = 0`), so that log-sum-exp is `m + log1p(s)`, the
last line of `stability.lse-max-term`. Each $e^{x_j - m}$ is obtained in one of two ways.
Where nothing can overflow ($m \le 600$ in float64, $64$ in float32) and nothing that
matters underflows, it takes `exp(x)` and `exp(-m)` separately and multiplies them
(`unit`): no difference $x_j - m$ is ever formed, so there is no rounding error for the
exponential to amplify. The other rows go to `_shifted`, which forms $d = x - m$
(every exponent $\le 0$) and recovers the rounding error of that subtraction *exactly*
with Knuth's TwoSum, `back = d - x` and `err = (x - (d - back)) - (m + back)`; then
$e^{x - m} = e^{d + \mathrm{err}} \approx e^{d}(1 + \mathrm{err})$, the correction
`e += e * err` ({cite}`higham2002`, section 4.3; the chain `stability.exp-amplification`
with $h = \mathrm{err}$). Exactness of TwoSum is a theorem about binary floating point
with rounding to nearest, and is easy to test:
""")

code(r"""
from fractions import Fraction

rng = np.random.default_rng(1)
x_test, m_test = rng.uniform(-800, 0, 5000), rng.uniform(0, 1, 5000)
d = x_test - m_test                                   # rounded
back = d - x_test
err = (x_test - (d - back)) - (m_test + back)          # TwoSum, as in _shifted
exact = all(Fraction(a) - Fraction(b) == Fraction(c) + Fraction(e)
            for a, b, c, e in zip(x_test, m_test, d, err))
print(f"d + err == x - m exactly, in rational arithmetic, for all {len(d)} pairs: {exact}")
print(f"largest rounding error |err| recovered: {np.abs(err).max():.3g} "
      f"(exp would have amplified it by |x - m| <= 800)")
""")

md(r"""
`_logsumexp_rows` adds $m + \operatorname{log1p}(s)$ in float64 and rounds once to the
input's dtype; rows whose maximum is not finite (a `+inf` entry, all `-inf`, a `nan`)
take their limits separately. `_softmax_like` divides each stored term by $1 + s$ and
writes $1/(1 + s)$ at the maximum, and the log-softmax is $(x - m) -
\operatorname{log1p}(s)$: two non-positive parts, so the entry at the maximum is
$-\operatorname{log1p}(s)$, a log-probability near 0 kept to its last digits.
""")

fig("fig-ch08-lse",
    "Error in ulps of logsumexp(0, -d) = log(1 + exp(-d)) against the gap d. Once "
    "exp(-d) is below machine epsilon (d > 37 in float64, 17 in float32) the shifted "
    "form log(sum) returns 0 and loses every digit; SciPy and lossbook keep the small "
    "result with log1p. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of log-sum-exp of the row (0, -d) "
    "against d from 0 to 800 (110 in float32).",
    r"""axes = ulp_figure("logsumexp", "gap $d$, row $(0, -d)$");""")

fig("fig-ch08-softmax",
    "Error in ulps of the small softmax entry of the row (1/3, 1/3 - d) against d. The "
    "rounding error of the shifted logit x - max, amplified by exp, grows with d to "
    "hundreds of ulps in float64 for every shifted implementation; the unshifted textbook "
    "formula is accurate here, as long as nothing overflows. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the second softmax entry against "
    "the gap d for four implementations.",
    r"""axes = ulp_figure("softmax", r"gap $d$, row $(\frac{1}{3}, \frac{1}{3} - d)$");""")

fig("fig-ch08-log-softmax",
    "Error in ulps of the log-softmax at the row maximum, for the row (1/3, 1/3 - d). Its "
    "exact value -log(1 + exp(-d)) is a log-probability near 0; implementations that "
    "compute (x - m) - log(sum) return 0 once d > 37 (float64) or 17 (float32) and lose "
    "every digit. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the log-softmax entry of the "
    "largest logit against the gap d.",
    r"""axes = ulp_figure("log_softmax", r"gap $d$, row $(\frac{1}{3}, \frac{1}{3} - d)$");""")

code(r"""
summary("logsumexp", "log-sum-exp")
summary("softmax", "softmax")
summary("log_softmax", "log-softmax")
""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-bce)=
## Cross-entropy from logits

### Binary

The binary cross-entropy $-[t \log \sigma(z) + (1 - t)\log(1 - \sigma(z))]$, typed in
with a computed sigmoid, meets every failure above: for $z = -800$, $t = 1$ the sigmoid
underflows and $\log 0 = -\infty$; for $z = 800$, $t = 1$ the term $(1 - t)\log(1 -
\sigma(z))$ is $0 \cdot (-\infty)$ = `nan`; and a confident, correct prediction ($z = 40$,
$t = 1$) has the loss $\log(1 + e^{-40}) = 4.25 \times 10^{-18}$, which $-\log(\sigma(40))
= -\log 1$ turns into 0.
""")

code(r"""
def exact_bce(z, t):     # t softplus(-z) + (1 - t) softplus(z), softplus(u) = log1p(e^u)
    z, t = sp.Rational(z), sp.Rational(t)
    def softplus_exact(u):
        return u + log1p(sp.exp(-u)) if u > 0 else log1p(sp.exp(u))
    return str(sp.N(t * softplus_exact(-z) + (1 - t) * softplus_exact(z), 6)).replace("E", "e")

with np.errstate(all="ignore"):
    for z, t in [(-800.0, 1.0), (800.0, 1.0), (40.0, 1.0), (-40.0, 0.0), (2.0, 0.3)]:
        print(f"z = {z:6g}, t = {t}: naive {naive_bce(np.array(z), np.array(t)):<11.6g}"
              f" lossbook {float(lb.binary_cross_entropy_with_logits(z, t)):<12.6g}"
              f" exact {exact_bce(z, t)}")
""")

md(r"""
{cite}`chen_lossfunctions` gives the right advice: write the negative log-likelihood as a
function of the logit $z$, not of $\hat y = \sigma(z)$. Its reason is worded loosely:
an underflowed sigmoid does not make the logarithm *overflow*; $\log 0 = -\infty$ is an
exact infinity, which IEEE 754 reports as a division by zero, and the logarithm of a
positive float64 never exceeds 745 in magnitude (see
{ref}`erratum-003-log-zero-overflow`). In the logit, the loss is softplus again
({ref}`sec-bernoulli-loss` derives $\zeta(z) - tz$), and it splits into two terms that are
both non-negative for $t \in [0, 1]$:
""")

code(r"""lb.chain("stability.bce-nonneg-terms")""")

md(r"""
The last line is what most libraries compute. It is stable against overflow, but for a
confident correct prediction the order of the additions decides the result:
$\max(z, 0) - tz$ cancels exactly to 0 when $t = 1$, and if $\log(1 + e^{-|z|})$ was added
to either term before that cancellation, it has been rounded away. Summing the
non-negative terms of the middle line, smallest last, cannot lose it.
""")

md(r"""
`lossbook` splits the loss by the sign of $z$ instead, so that the large terms are
cancelled in the algebra, not in floating point; for $z \ge 0$ and, mirrored, for
$z = -u < 0$:
""")

code(r"""lb.chain("stability.bce-two-parts")""")

code(r"""lb.chain("stability.bce-two-parts-negative")""")

md(r"""
Both parts are non-negative for $t \in [0, 1]$, so their sum cannot cancel. Here is the
kernel that computes it, block by block (`binary_cross_entropy_with_logits` validates its
arguments, calls it and applies the reduction):
""")

code(r"""
from lossbook import losses
show_source(losses._bce_logits_values, docstrings=False)
""")

md(r"""
`ab` becomes $\operatorname{log1p}(e^{-|z|}) \in (0, \log 2]$, one exponential of a
non-positive number. `np.subtract(zb >= 0, tb, out=bb)` is $H(z) - t$ with the unit step
$H(z) = [z \ge 0]$ read as 0 or 1: $1 - t$ or $-t$, exact or one rounding (exact for
$t \ge \tfrac12$, so targets like $1 - 2^{-20}$ lose nothing). Multiplied by $z$ it
is $(1 - t)z$ or $t|z|$, the second part of the two chains, and `ab += bb` adds the two
non-negative parts. An infinite logit gives $0 \cdot \infty$ = `nan` there, which
`_infinite_logit_limits` replaces by the limit ($0$ for a certain, correct prediction).
""")

fig("fig-ch08-bce",
    "Error in ulps of the binary cross-entropy from the logit z when every prediction is "
    "right (target 1 for z > 0, target 0 for z < 0), so |z| is the confidence. The exact "
    "loss log(1 + exp(-|z|)) drops below machine epsilon beyond |z| = 37 (float64) or 17 "
    "(float32); implementations that add it before the large terms cancel return 0 there. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of binary cross-entropy with logits "
    "against z from -800 to 800, every prediction correct.",
    r"""axes = ulp_figure("bce_logits", "logit $z$");""")

code(r"""summary("bce_logits", "binary cross-entropy")""")

md(r"""
(sec-stab-softmax-ce)=
### Softmax

For integer labels the softmax cross-entropy is $\operatorname{logsumexp}(z) - z_y$. When
the correct class has the largest logit and leads the others by a wide margin, the two
terms are nearly equal and cancel, and again the loss is a log-probability near 0. With
the entries numbered so that the correct class $y = 1$ has the largest logit:
""")

code(r"""lb.chain("stability.ce-confident")""")

md(r"""
The large terms cancel *exactly*, in the algebra, before anything is rounded, and what is
left is a `log1p` of a small sum. How small? If every other logit is at least $t$ below
the correct one,
""")

code(r"""lb.chain("stability.ce-confident-tail")""")

md(r"""
so the loss is below float64's machine epsilon for a lead of about 36 and still a normal
number for a lead of 700. A classifier trained to a small loss produces such rows for
many of its training examples.
""")

code(r"""
z = np.array([[0.0, -40.0, -41.0]])
with np.errstate(all="ignore"):
    print("naive -log softmax(z)_0     =", naive_softmax_ce(z, np.array([0]))[0])
print("logsumexp(z) - z_0 (float64) =", float(np.log(np.exp(z).sum()) - z[0, 0]))
print("lossbook                     =", float(lb.softmax_cross_entropy(z, np.array([0]))))
print("exact                        =", sp.N(log1p(sp.exp(-40) + sp.exp(-41)), 6))
""")

md(r"""
For any label $y$, not only the largest, the same separation gives two non-negative
parts:
""")

code(r"""lb.chain("stability.ce-two-parts")""")

code(r"""show_source(losses._softmax_ce_label_values, activations._rows_stats, docstrings=False)""")

md(r"""
`_rows_stats` runs the row kernel and keeps only $m$ and $s$ (the terms themselves are
not needed), so the loss is `(m - x_y) + log1p(s)`: $m - x_y \ge 0$ is exact or one
rounding, and for a confident correct row ($y = a$) it is exactly 0 and the loss is
$\operatorname{log1p}(s) \approx s$. The log-softmax is never formed. Soft targets go
through `log_softmax` instead (`_softmax_ce_dist_values`), where every term
$-t_k \log \operatorname{softmax}(x)_k$ is non-negative as well.
""")

fig("fig-ch08-softmax-ce",
    "Error in ulps of the softmax cross-entropy of the row (0, -d, -d - 1) with the "
    "correct class first, against its lead d. The exact loss is about exp(-d); "
    "implementations that compute logsumexp(z) - z_y without separating the maximum's term "
    "return 0 once d > 37 (float64) or 17 (float32). Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the softmax cross-entropy of a "
    "confident correct prediction against the lead d.",
    r"""axes = ulp_figure("softmax_ce", "lead $d$ of the correct class");""")

code(r"""summary("softmax_ce", "softmax cross-entropy")""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-grad)=
## Gradients at a confident prediction

The gradient of the softmax cross-entropy in the correct class's logit is $p_y - 1$
({ref}`sec-ce-gradient`), and that of the binary cross-entropy is $\sigma(z) - t$
({ref}`sec-bce-gradient`). At a confident correct prediction both are differences of two
numbers that round to the same float: $p_y = 1 - 4.25\times 10^{-18}$ is stored as 1, and
$p_y - 1 = 0$. The exact value is the (negative) probability of all the other classes,
which needs no subtraction at all:
""")

code(r"""lb.chain("stability.ce-grad-complement")""")

md(r"""
and for the binary case the target splits the same way, so that $t = 1$ gives
$-\sigma(-z)$, a number computed to full accuracy by the stable sigmoid:
""")

code(r"""lb.chain("stability.bce-grad-split")""")

md(r"""
Does a gradient of $-4 \times 10^{-18}$ instead of 0 matter? Summed into a batch
gradient next to examples with gradients of order 1, hardly. But the gradient of a
single example is used on its own too: per-example gradient norms, influence and
importance estimates, the ratio of two small gradients, a second-order method that
divides by one. A library cannot know, and a result without a correct digit is an error
whatever its size.
""")

md(r"""
The binary gradient in the form the library computes it, with the unit step
$H(z) = [z \ge 0]$: the exact (or once-rounded) $H(z) - t$ plus the small side of the
sigmoid, $\sigma(-|z|)$, with a sign:
""")

code(r"""lb.chain("stability.bce-grad-step")""")

code(r"""
from lossbook import gradients
show_source(gradients._softmax_ce_label_grad, gradients._bce_logits_grad_values,
            docstrings=False)
""")

md(r"""
The softmax gradient runs the row kernel with the output array as its scratch, so the
terms $e^{x_j - m}$ are written straight into the result and scaled by $1/(1 + s)$
(`dest *= ...`). The maximum's entry is $1/(1 + s)$; at the label, if the label is the
maximum, the entry is $-s/(1 + s)$, the last line of `stability.ce-grad-complement`,
and otherwise $p_y - 1$ with $p_y \le \tfrac12$, where the subtraction loses
nothing. The binary gradient computes $e = e^{-|z|}$, the small side of the sigmoid
$\sigma(-|z|) = e/(1 + e)$, flips its sign where $z \ge 0$ (subtracting `hb` twice is
exact), and adds $H(z) - t$.
""")

fig("fig-ch08-bce-grad",
    "Error in ulps of the gradient sigma(z) - t of the binary cross-entropy, every "
    "prediction right (target 1 for z > 0, 0 for z < 0). For z > 0 the exact value is "
    "-sigma(-z); computing sigma(z) - 1 returns 0 (no correct digit) once sigma(z) rounds "
    "to 1, in every library that subtracts. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the binary cross-entropy gradient "
    "against z; on the right the subtracting implementations rise to the no-digit line.",
    r"""axes = ulp_figure("bce_logits_grad", "logit $z$");""")

fig("fig-ch08-ce-grad",
    "Error in ulps of the gradient p_y - 1 of the softmax cross-entropy in the correct "
    "class's logit, for the row (0, -d, -d - 1), against the lead d. The exact value is "
    "minus the sum of the other probabilities, about -exp(-d); p_y - 1 computed as a "
    "difference is 0 once p_y rounds to 1. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps of the softmax cross-entropy gradient "
    "at the correct class against the lead d.",
    r"""axes = ulp_figure("softmax_ce_grad", "lead $d$ of the correct class");""")

code(r"""
summary("bce_logits_grad", "BCE gradient")
summary("softmax_ce_grad", "softmax CE gradient")
""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-kl)=
## KL divergence of nearly equal distributions

When a model is close to its target, $q \approx p$, the KL divergence is of second order
in the difference:
""")

code(r"""lb.chain("stability.kl-quadratic")""")

md(r"""
For $\delta = 10^{-9}$ that is about $10^{-18}$, while each term $p_i \log(p_i/q_i)$ is of
order $\delta$: the terms cancel to 9 orders of magnitude below their size, and the
rounding error of $\log(p_i / q_i)$, about $2^{-53}$, is larger than the result. Even
its sign is then a matter of chance; a "negative KL divergence" in a training log
often comes from here. Two rewritings help. The ratio is $1 + (p - q)/q$, where $p - q$ is
exact for nearby numbers, so `log1p` gets an accurate argument:
""")

code(r"""lb.chain("stability.kl-term-log1p")""")

md(r"""
and since both distributions sum to 1, the differences $p_i - q_i$ add up to 0 and may be
subtracted from the terms, which makes every term non-negative (the same inequality
$\log v \le v - 1$ as Gibbs' inequality in {ref}`sec-gibbs`):
""")

code(r"""lb.chain("stability.kl-term-nonneg")""")

md(r"""
A sum of non-negative terms has no cancellation. What remains is to evaluate each term
without cancelling inside it (both $p \log(p/q)$ and $p - q$ are of first order in the
difference, the term of second order), and to account for stored distributions summing
to 1 only up to rounding.
""")

md(r"""
For the first, `lossbook` uses $w = (p - q)/(p + q)$, because $p/q = (1 + w)/(1 - w)$
makes the logarithm an inverse hyperbolic tangent and the term a sum of two parts of
one sign,
""")

code(r"""lb.chain("stability.kl-atanh")""")

md(r"""
whose second part is a series with no cancellation in it:
""")

code(r"""lb.chain("stability.atanh-series")""")

code(r"""
from lossbook import information
show_source(information.kl_divergence, information._kl_terms,
            information._atanh_minus_identity, docstrings=False)
""")

md(r"""
`kl_divergence` works in float64 (float32 inputs are converted, exactly) and adds two
things: the sum of the non-negative terms $p_i \log(p_i/q_i) - (p_i - q_i)$ from
`_kl_terms`, and the correction $\sum_i p_i - \sum_i q_i$, which is 0 for exact
distributions but, for stored ones, of the order of their rounding ($10^{-16}$), far
larger than a divergence of $10^{-24}$. That correction is computed from the exact
differences: `_two_sum(p, -q)[1]` is the rounding error of each $p_i - q_i$ and
`_accurate_sum` adds with TwoSum in about twice the working precision. `_kl_terms`
evaluates each term as $w(p - q) + 2p(\operatorname{atanh} w - w)$ where $|w| \le
\tfrac12$ ($q$ within a factor 3 of $p$), the series by Horner's rule with as many
terms as the largest $|w|$ needs, and by the direct form farther away, where there is
nothing to cancel. A term with $p = 0$ is $q$, and $q = 0 < p$ gives `inf`.
""")

fig("fig-ch08-kl",
    "Error in ulps of KL(p || q) for p = (0.7, 0.3) and q = (0.7 - delta, 0.3 + delta), "
    "both summing to 1 exactly, against delta. The exact value is about 2.4 delta^2; the "
    "direct sum of p log(p/q) has an absolute error near machine epsilon, so for small "
    "delta its relative error exceeds 1 by many orders of magnitude. Dotted line: no correct digit.",
    "Two panels, float64 and float32: error in ulps (log scale) of the KL divergence "
    "against delta (log scale) for four implementations.",
    r"""axes = ulp_figure("kl", r"$\delta$", xscale="log");""")

code(r"""summary("kl", "KL divergence")""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-regimes)=
## Where SciPy and PyTorch lose every digit

{numref}`fig-ch08-regimes` collects the worst error of each implementation in the regime
of each family that the sections above singled out; the table below it gives the
numbers.
""")

code(r"""
REGIME_LABELS = {
    "sigmoid": "sigmoid tail",
    "softplus": "softplus tail",
    "log_sigmoid": r"$\log\sigma$ near 0",
    "logsumexp": "LSE near 0",
    "softmax": "softmax, small",
    "log_softmax": "log-softmax, max",
    "bce_logits": "BCE, right",
    "softmax_ce": "CE, right",
    "bce_logits_grad": r"$\sigma(z) - 1$",
    "softmax_ce_grad": r"$p_y - 1$",
    "kl": r"KL, $q \to p$",
}
WORST = {(name, dt): worst(name, dt)[1] for name in REGIME_LABELS for dt in ("float64", "float32")}
""", tags=("remove-input",))

fig("fig-ch08-regimes",
    "The worst error in ulps, inside each regime, of the textbook formula, SciPy, PyTorch "
    "and lossbook (float64 above, float32 below). Right of the dotted line no digit is "
    "correct; markers at the right edge stand for inf or nan.",
    "Dot plot with one row per regime and four markers per row, one per implementation, on "
    "a logarithmic axis of the error in ulps; two panels for float64 and float32.",
    r"""
fig, axes = plotting.new_figure(2, 1, width=4.6, height=10.0, layout="constrained")
names = list(REGIME_LABELS)
for ax, dtype in zip(axes, ("float64", "float32")):
    values = np.array([[WORST[(n, dtype)][lib] for lib in LIBRARIES] for n in names])
    right = 10.0 ** np.ceil(np.log10(np.nanmax(np.where(np.isfinite(values), values, 0)) * 30))
    for j, lib in enumerate(LIBRARIES):
        label, color, _, marker = LIBRARIES[lib]
        v = np.clip(values[:, j], 1e-1, None)
        v = np.where(np.isfinite(v), v, right)
        ax.plot(v, np.arange(len(names)) + (j - 1.5) * 0.14, marker, color=color, ms=8,
                ls="none", label=label, markerfacecolor="none" if lib != "lossbook" else color)
    ax.axvline(NO_DIGIT[dtype], color="black", lw=1, ls=":")
    ax.set_xscale("log")
    ax.set_xlim(5e-2, right * 2)
    ax.set_yticks(range(len(names)), [REGIME_LABELS[n] for n in names])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(LogLocator(base=10, numticks=5))
    ax.set_xlabel(f"worst error (ulps), {dtype}")
legend = fig.legend(*axes[0].get_legend_handles_labels(), loc="outside upper center",
                    ncols=2, columnspacing=1.0);
""")

code(r"""
rows = []
for name in REGIME_LABELS:
    row = [REGIME_LABELS[name]]
    for dt in ("float64", "float32"):
        row += [fmt_ulp(WORST[(name, dt)][lib]) for lib in ("naive", "scipy", "torch", "lossbook")]
    rows.append(row)
table(["regime"] + [f"{lib} {dt[-2:]}" for dt in ("float64", "float32")
                    for lib in ("naive", "SciPy", "torch", "lossbook")], rows)
""")

code(r"""
# The regimes, classified from the measurements: "keeps" is within 8 ulps (the library's
# target), "loses every digit" an error beyond 8 ulps that is at least half the value.
REL = {(n, dt): worst_relative(n, dt) for n in REGIME_LABELS for dt in ("float64", "float32")}
for dt in ("float64", "float32"):
    for lib in ("scipy", "torch", "lossbook"):
        lost = [REGIME_LABELS[n] for n in REGIME_LABELS if REL[(n, dt)][lib] >= 0.5]
        kept = [REGIME_LABELS[n] for n in REGIME_LABELS if WORST[(n, dt)][lib] <= 8]
        print(f"{dt}, {LIBRARIES[lib][0]}: keeps {len(kept)} of {len(REGIME_LABELS)} regimes; "
              f"loses every digit in: {'; '.join(lost) or 'none'}")
    print(f"{dt}: worst error of lossbook over all regimes: "
          f"{fmt_ulp(max(WORST[(n, dt)]['lossbook'] for n in REGIME_LABELS))} ulps")
""")

md(r"""
Three patterns stand out. The textbook formulas fail in every regime except the small
entries of the softmax, where *not* shifting happens to be the more accurate choice, as
long as nothing overflows. SciPy already uses stable forms in some places (its
`logsumexp` keeps the maximum's term apart from the others and `log_expit` is the stable
log-sigmoid, and the SciPy-based losses $\operatorname{logsumexp}(z) - z_y$ and
$-\log\sigma(z)$ inherit that), but not in the subnormal tail of `expit`, in
`log_softmax`, in a gradient formed as a difference from 1, or in the sum of `rel_entr`.
PyTorch keeps softplus and the log-sigmoid and loses the other regimes. `lossbook` keeps
all of them, in float64 and in float32, with the worst error printed on the last line
above.
""")

# ---------------------------------------------------------------------------------------
md(r"""
(sec-stab-speed)=
## What the stable forms cost

Accuracy is not free. The accurate forms take the same one exponential per entry as the
naive ones, but they add work: the index of each row's maximum, an exponential of
$-m$ per row, the TwoSum correction for the rows that need the shift, `log1p` in place of
`log`, and the sum of the others kept apart. `make bench` times `lossbook` side by side
with the SciPy-based implementation and PyTorch CPU (one thread, median of repeated
runs), on random logits and on confident rows in which every prediction is right by a
wide margin. A ratio is `lossbook`'s time divided by the peer's: below 1, `lossbook` is
faster.
""")

code(r"""
SPEED = json.loads((RESULTS / "speed.json").read_text())


def ratio(v):
    return "-" if v is None else f"{v:.2f}"


table(["case", "inputs", "dtype", "pass", "lossbook (ms)", "/ SciPy", "/ PyTorch",
       "peak memory (x input)"],
      [[r["case"], r["inputs"], r["dtype"], r["pass"], f"{r['lossbook_s'] * 1e3:.2f}",
        ratio(r.get("ratio_scipy")), ratio(r.get("ratio_torch")), ratio(r.get("peak_mem_ratio"))]
       for r in SPEED["rows"]])
""")

code(r"""
def extreme(key):
    rows = [r for r in SPEED["rows"] if r.get(key) is not None]
    top = max(rows, key=lambda r: r[key])
    return rows, top, float(np.median([r[key] for r in rows]))


for key, peer, target in (("ratio_scipy", "the SciPy-based code", 1.0), ("ratio_torch", "PyTorch", 1.5)):
    rows, top, median = extreme(key)
    within = sum(r[key] <= target for r in rows)
    print(f"Against {peer}: {within} of {len(rows)} cases within {target}x, median ratio "
          f"{median:.2f}, largest {top[key]:.2f} ({top['case']}, {top['inputs']} inputs, "
          f"{top['dtype']}, {top['pass']}).")
conf = {(r["case"], r["dtype"], r["pass"]): r["lossbook_s"] for r in SPEED["rows"]
        if r["inputs"] == "confident"}
slow = [r["lossbook_s"] / conf[(r["case"], r["dtype"], r["pass"])] for r in SPEED["rows"]
        if r["inputs"] == "random" and (r["case"], r["dtype"], r["pass"]) in conf]
print(f"lossbook on confident rows / on random rows: from {1 / max(slow):.2f} to "
      f"{1 / min(slow):.2f} times the time (median {float(np.median([1 / v for v in slow])):.2f}).")
print(f"Measured {SPEED['generated'][:10]}, one thread, on {SPEED['machine'].get('cpu', '?')}.")
""")

md(r"""
Against the SciPy-based code every case is faster (the first line). PyTorch runs the
passes over a row in one compiled, vectorised loop where numpy needs several; most cases
are within the target of 1.5 times its time, and the second line names the slowest.
Confident rows, where the accurate forms do their extra work, take about as long as
random ones (the third line). `benchmarks/README.md` discusses the measurements, and the
{ref}`accuracy and speed report
<ch-accuracy-report>` lists every case with the machine it ran on.
""")

# ---------------------------------------------------------------------------------------
md(r"""
## Exercises

:::{exercise} Where the exponential underflows
:label: ex-ch08-1

In float32, below which $x$ does `np.exp(x)` return exactly 0? Give $x$ to four
significant digits and check it with `lb.exercises.check("ch08-ex1", answer)`.
:::

:::{solution} ex-ch08-1
:class: dropdown

The smallest positive float32 is the subnormal $2^{-149}$. Rounding to nearest maps every
$e^{x}$ above half of it, $2^{-150}$, to a positive number (the smallest subnormal at
worst), so `np.exp(x)` is 0 exactly when $e^{x} \le 2^{-150}$, that is for
$x \le -150 \log 2 \approx -103.97$ (the tie at $2^{-150}$ rounds to the even
neighbour, 0). Not $-103.28 = \log 2^{-149}$, and not $-87.34$, the logarithm of the
smallest *normal* number.
:::

:::{exercise} The loss of a confident, correct prediction
:label: ex-ch08-2

A three-class model outputs the logits $z = (5, -33, -35)$ and the correct class is the
first. What is its cross-entropy loss, to four significant digits? (It is not 0.) Check
it with `lb.exercises.check("ch08-ex2", answer)`.
:::

:::{solution} ex-ch08-2
:class: dropdown

Shift by the largest logit, 5: the gaps are 38 and 40, and by the chain
`stability.ce-confident` the loss is $\log(1 + e^{-38} + e^{-40}) \approx e^{-38}(1 +
e^{-2}) \approx 3.564 \times 10^{-17}$. In float64, $\operatorname{logsumexp}(z) - z_1$
rounds $1 + 3.6 \times 10^{-17}$ to 1 and returns 0.
:::

:::{exercise} The spacing near 1000
:label: ex-ch08-3

What is the gap between 1000 and the next larger float64 number? Give it exactly as a
power of 2 and check it with `lb.exercises.check("ch08-ex3", "2^-k")` for your $k$.
:::

:::{solution} ex-ch08-3
:class: dropdown

$2^{9} = 512 \le 1000 < 1024 = 2^{10}$, so $1000 = 1.f \times 2^{9}$, and the last of the
52 fraction bits is worth $2^{9 - 52} = 2^{-43} \approx 1.14 \times 10^{-13}$. The gap
is a power of two fixed between consecutive powers of two, not $1000 \cdot 2^{-52}$.
:::

:::{exercise} KL as a sum of non-negative terms
:label: ex-ch08-4

Show that $p \log(p/q) - (p - q) \ge 0$ for all $p, q > 0$, and conclude that for two
distributions $\mathrm{KL}(p \,\|\, q) = \sum_i [p_i \log(p_i/q_i) - (p_i - q_i)]$ is a
sum of non-negative terms. (Exercise id `ch08-ex4`, a proof: a proof is not checked by
machine, and `lb.exercises.check("ch08-ex4", None)` names the checked model solution.)
:::

:::{solution} ex-ch08-4
:class: dropdown

Write $p \log(p/q) = -p \log(q/p)$ and apply $\log v \le v - 1$ at $v = q/p$: then
$-p\log(q/p) \ge -p(q/p - 1) = p - q$. The checked derivation is the claim
`stability.kl-term-nonneg` (shown in {ref}`sec-stab-kl`; run `lb.chain("stability.kl-term-nonneg")`).
Summed over $i$, the subtracted $p_i - q_i$ add up to $1 - 1 = 0$, so the sum is
$\mathrm{KL}(p \,\|\, q)$.
:::

:::{exercise} A stable log-sum-exp
:label: ex-ch08-5

Write a function `logsumexp(x)` for a 1-d numpy array that is finite for every finite
input and accurate to about $10^{-15}$ relative error even when the result is tiny, as
for $x = (0, -40)$. Then run `lb.exercises.check("ch08-ex5", logsumexp)`: it tries your
function on overflowing, underflowing and confident rows (against exact values), on a
float32 row and on random rows (against `lb.logsumexp`), and names the mistake it sees.
:::

:::{solution} ex-ch08-5
:class: dropdown

Take the maximum $m$ out of the sum (the chain `stability.lse-shift`) so that every exponent
is $\le 0$, and keep the maximum's own term apart: $m + \operatorname{log1p}(\sum_{k \ne a}
e^{x_k - m})$ (the chain `stability.lse-max-term`). A model solution is
`lossbook.exercises.ch08.model_logsumexp`; read it with
`inspect.getsource(lb.exercises.ch08.model_logsumexp)`.
:::

:::{exercise} A stable binary cross-entropy
:label: ex-ch08-6

Write `bce_with_logits(z, t)`, the elementwise binary cross-entropy of $\sigma(z)$ against
targets $t \in [0, 1]$, finite for every finite $z$ and accurate when the loss is tiny
($z = 40$, $t = 1$). Check it with `lb.exercises.check("ch08-ex6", bce_with_logits)`.
:::

:::{solution} ex-ch08-6
:class: dropdown

Never form $\sigma(z)$. By the chain `stability.bce-nonneg-terms` the loss is $t\,\zeta(-z) +
(1 - t)\,\zeta(z)$, two non-negative terms, each a stable softplus (`np.logaddexp(0, u)`
or $\max(u, 0) + \operatorname{log1p}(e^{-|u|})$). The model solution is
`lossbook.exercises.ch08.model_bce_with_logits`.
:::
""")

code(r"""
# A first try at exercise 5, the textbook formula, and what the check says about it:
def textbook_logsumexp(x):
    return np.log(np.sum(np.exp(x)))

with np.errstate(all="ignore"):
    lb.exercises.check("ch08-ex5", textbook_logsumexp)
""")

md(r"""
## Summary

- A float64 has 53 significant bits: a relative precision of $2^{-53}$ per rounding,
  numbers up to $1.8 \times 10^{308}$ ($e^{709.78}$) and, through subnormals, down to
  $4.9 \times 10^{-324}$ ($e^{-745}$); float32 stops at $e^{88.7}$ and $e^{-103}$. Errors
  are measured in ulps; $2^{52}$ ulps means no digit is right.
- Exponentials overflow, tiny results underflow or are absorbed by a 1, and subtracting
  nearly equal numbers leaves only their errors. The stable forms avoid all three:
  exponentials of non-positive numbers only (a shift by the maximum, $e^{-|x|}$), `log1p`
  for every $\log(1 + \text{small})$, and sums of terms of one sign, with the exact
  cancellations done in the algebra ($p_y - 1 = -\sum_{j \ne y} p_j$).
- The hard regimes are the ones a good model lives in: a log-probability near 0, a
  confident correct prediction whose loss is below machine epsilon, the gradient
  $p_y - 1$, the subnormal tail of the sigmoid and KL as $q \to p$. The measurements of
  {ref}`sec-stab-regimes` show which implementations keep them.
- Every stable form is a checked derivation in `lossbook.chains.ch08_stability`, and the
  library's code is shown above as installed; the {ref}`accuracy and speed report
  <ch-accuracy-report>` has the full tables.
""")

write(str(__import__("pathlib").Path(__file__).resolve().parents[2] / "chapters") + "/08_numerical_stability.ipynb")
print("written")
