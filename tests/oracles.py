"""Shared test helpers: exact references (mpmath, 50 digits), ulp and tolerance
measures, torch helpers, and a catalogue of the losses used by several test files.

Nothing here imports the implementation of a formula from lossbook: every
reference below is written from the contract (``API.md``), in arbitrary precision.
The mpmath context is private (``MP``), so the global ``mpmath.mp`` is untouched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath
import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)

MP = mpmath.MPContext()
MP.dps = 50
mpf = MP.mpf
NAN = MP.nan
INF = MP.inf

FLOATS = (np.float64, np.float32)
# API.md: reductions and losses within TOL[dtype] x (|exact| + magnitude of inputs).
TOL = {np.dtype(np.float64): 1e-12, np.dtype(np.float32): 1e-5}
# API.md: elementwise functions within this many ulps.
ULP_BAR = {np.dtype(np.float64): 4.0, np.dtype(np.float32): 6.0}


def tol(dtype) -> float:
    return TOL[np.dtype(dtype)]


def to_mp(v):
    """An exact mpf copy of a (numpy or Python) real number; nan and inf kept."""
    if isinstance(v, MP.mpf):
        return v
    v = float(v)
    if math.isnan(v):
        return NAN
    return mpf(v)


def is_nan(v) -> bool:
    return bool(MP.isnan(v))


# ---------------------------------------------------------------- elementwise
def sigmoid(x):
    x = to_mp(x) if not isinstance(x, MP.mpf) else x
    if is_nan(x):
        return NAN
    if MP.isinf(x):
        return mpf(1) if x > 0 else mpf(0)
    return 1 / (1 + MP.exp(-x))


def softplus(x):
    """log(1 + e^x), written as max(x, 0) + log1p(e^-|x|) (an exact identity)."""
    x = to_mp(x) if not isinstance(x, MP.mpf) else x
    if is_nan(x):
        return NAN
    if MP.isinf(x):
        return INF if x > 0 else mpf(0)
    return max(x, mpf(0)) + MP.log1p(MP.exp(-abs(x)))


def log_sigmoid(x):
    x = to_mp(x) if not isinstance(x, MP.mpf) else x
    if is_nan(x):
        return NAN
    return -softplus(-x)


def sigmoid_grad(x):
    x = to_mp(x) if not isinstance(x, MP.mpf) else x
    if is_nan(x):
        return NAN
    if MP.isinf(x):
        return mpf(0)
    return sigmoid(x) * sigmoid(-x)


ELEMENTWISE = {
    "sigmoid": sigmoid,
    "log_sigmoid": log_sigmoid,
    "softplus": softplus,
    "sigmoid_grad": sigmoid_grad,
}


def elementwise(name: str, x) -> np.ndarray:
    """Object array of exact values of an elementwise function at every entry of x."""
    f = ELEMENTWISE[name]
    x = np.asarray(x)
    return np.array([f(v) for v in x.ravel()], dtype=object).reshape(x.shape)


# ---------------------------------------------------------------- ulps
def round_to(exact, dtype):
    """``exact`` rounded to ``dtype`` (via float64; double rounding only matters for
    the last-bit choice in float32, not for the spacing)."""
    with np.errstate(over="ignore"):
        return np.dtype(dtype).type(float(exact))


def spacing(v, dtype):
    """numpy.spacing at |v|, except at the largest finite value, where the spacing
    below it is used (numpy's would be the overflowing step to inf)."""
    dtype = np.dtype(dtype)
    a = np.abs(dtype.type(v))
    top = np.finfo(dtype).max
    if a == top:
        return top - np.nextafter(top, dtype.type(0))
    return np.spacing(a)


def ulp_error(computed, exact, dtype) -> float:
    """|computed - exact| in units of the spacing of ``exact`` rounded to ``dtype``.

    The spacing is ``numpy.spacing`` at the rounded exact value, so a subnormal (or
    zero) exact value is measured in units of the smallest subnormal. An exact value
    that rounds to ±inf is matched (error 0) by the same infinity. nan against nan is
    0; nan against a number, or an infinity against a finite value, is inf.
    """
    dtype = np.dtype(dtype)
    c = float(computed)
    if is_nan(exact) or math.isnan(c):
        return 0.0 if (is_nan(exact) and math.isnan(c)) else math.inf
    rounded = round_to(exact, dtype)
    if np.isinf(rounded):
        if c == float(rounded):
            return 0.0
        step = spacing(np.finfo(dtype).max, dtype)
    else:
        if math.isinf(c):
            return math.inf
        step = spacing(rounded, dtype)
    return float(abs(mpf(c) - exact) / mpf(float(step)))


def ulp_errors(computed, exact, dtype) -> np.ndarray:
    computed = np.asarray(computed)
    return np.array(
        [ulp_error(c, e, dtype) for c, e in zip(computed.ravel(), np.ravel(exact), strict=True)]
    ).reshape(computed.shape)


# ---------------------------------------------------------------- tolerances
def magnitude(*arrays, axis=None) -> np.ndarray | float:
    """Largest |finite entry| over the arrays (along ``axis`` if given, else overall)."""
    out = 0.0
    for a in arrays:
        a = np.abs(np.asarray(a, dtype=np.float64))
        a = np.where(np.isfinite(a), a, 0.0)
        m = a.max(axis=axis, initial=0.0) if axis is not None else a.max(initial=0.0)
        out = np.maximum(out, m)
    return out


def check_close(computed, exact, dtype, mag, what="") -> None:
    """Assert |computed - exact| <= TOL x (|exact| + mag), entry by entry.

    ``exact`` is an object array (or scalar) of mpf; ``mag`` broadcasts to it. nan
    must match nan; where the exact value is infinite, or rounds to infinity in
    ``dtype``, the computed value must be that same infinity (or, for a rounded
    infinity, within the tolerance).
    """
    dtype = np.dtype(dtype)
    t = TOL[dtype]
    # No rounding to the dtype gets closer than half a subnormal step to an exact value
    # in the subnormal range, so the relative bar gets an absolute floor of 2 steps.
    floor = 2 * mpf(float(np.finfo(dtype).smallest_subnormal))
    computed = np.asarray(computed)
    exact_arr = np.asarray(exact, dtype=object)
    if exact_arr.shape != computed.shape:
        raise AssertionError(f"{what}: shape {computed.shape}, expected {exact_arr.shape}")
    mag = np.broadcast_to(np.asarray(mag, dtype=np.float64), computed.shape)
    bad = []
    for idx in np.ndindex(computed.shape):
        c, e, m = float(computed[idx]), exact_arr[idx], float(mag[idx])
        if is_nan(e) or math.isnan(c):
            if not (is_nan(e) and math.isnan(c)):
                bad.append((idx, c, e))
            continue
        if MP.isinf(e):
            if c != float(e):
                bad.append((idx, c, e))
            continue
        bound = t * (abs(e) + mpf(m)) + floor
        if math.isinf(c):
            # only allowed when the exact value itself rounds to that infinity
            if float(round_to(e, dtype)) != c:
                bad.append((idx, c, e))
            continue
        if abs(mpf(c) - e) > bound:
            bad.append((idx, c, e))
    if bad:
        idx, c, e = bad[0]
        raise AssertionError(
            f"{what}: {len(bad)} of {computed.size} values off; first at {idx}: "
            f"got {c!r}, exact {MP.nstr(e, 20)}"
        )


def reduce_exact(values: np.ndarray, reduction: str):
    """Reduce an object array of exact per-example values as the contract says."""
    if reduction == "none":
        return values
    s = MP.fsum(values.ravel()) if values.size else mpf(0)
    if reduction == "sum":
        return s
    return s / values.size


def reduce_mag(exact_none: np.ndarray, mag_none, reduction: str):
    """The magnitude term for a reduction: per example, |exact_i| + mag_i, summed
    (or averaged); used as ``mag`` in :func:`check_close` with exact = the reduction."""
    if reduction == "none":
        return mag_none
    mag_none = np.broadcast_to(np.asarray(mag_none, dtype=np.float64), exact_none.shape)
    per = [
        (mpf(0) if (is_nan(e) or MP.isinf(e)) else abs(e)) + mpf(m)
        for e, m in zip(exact_none.ravel(), mag_none.ravel(), strict=True)
    ]
    s = float(MP.fsum(per))  # may be inf: then only an infinite result passes
    return s if reduction == "sum" else s / max(1, exact_none.size)


# ---------------------------------------------------------------- rows
def _finite_row(row):
    return [to_mp(v) for v in np.ravel(row)]


def lse_parts(xs):
    """``(m, a, s)`` of a list of finite-or-(-inf) mpf: ``m = xs[a]`` the first maximum and
    ``s = sum_{j != a} exp(x_j - m)``, so that ``logsumexp = m + log1p(s)`` exactly.

    Keeping the maximum's term (1) out of ``s`` matters even here: ``log(1 + s)`` at 50
    digits would round an ``s`` below 1e-50 away (rows such as [800, 0])."""
    m = max(xs)
    a = xs.index(m)
    s = MP.fsum(MP.exp(v - m) for j, v in enumerate(xs) if j != a and not MP.isinf(v))
    return m, a, s


def logsumexp(row):
    xs = _finite_row(row)
    if any(is_nan(v) for v in xs):
        return NAN
    if any(MP.isinf(v) and v > 0 for v in xs):
        return INF
    if not xs or all(MP.isinf(v) for v in xs):
        return -INF
    m, _, s = lse_parts(xs)
    return m + MP.log1p(s)


def log_softmax(row):
    """Exact log-softmax of a row of finite values (limits for ±inf as in API.md):
    ``(x_j - m) - log1p(s)``, see :func:`lse_parts`."""
    xs = _finite_row(row)
    if any(is_nan(v) for v in xs):
        return [NAN] * len(xs)
    n_pinf = sum(1 for v in xs if MP.isinf(v) and v > 0)
    if n_pinf == 1:
        return [mpf(0) if (MP.isinf(v) and v > 0) else -INF for v in xs]
    if n_pinf > 1 or all(MP.isinf(v) for v in xs):  # two +inf, or all -inf: no limit
        return [NAN] * len(xs)
    m, _, s = lse_parts(xs)
    lg = MP.log1p(s)
    return [(-INF if MP.isinf(v) else (v - m) - lg) for v in xs]


def softmax(row):
    """Exact softmax: ``exp(x_j - m) / (1 + s)`` (limits as in :func:`log_softmax`)."""
    xs = _finite_row(row)
    ls = log_softmax(row)
    if any(is_nan(v) for v in ls) or any(MP.isinf(v) and v > 0 for v in xs):
        return [v if is_nan(v) else (mpf(0) if MP.isinf(v) else MP.exp(v)) for v in ls]
    m, _, s = lse_parts(xs)
    return [mpf(0) if MP.isinf(v) else MP.exp(v - m) / (1 + s) for v in xs]


def rows_apply(f, x, axis=-1, out_scalar=False):
    """Apply a row reference along ``axis``: object array of the results."""
    x = np.moveaxis(np.asarray(x), axis, -1)
    lead = x.shape[:-1]
    flat = x.reshape(-1, x.shape[-1])
    if out_scalar:
        return np.array([f(r) for r in flat], dtype=object).reshape(lead)
    res = np.array([f(r) for r in flat], dtype=object).reshape(x.shape)
    return np.moveaxis(res, -1, axis)


# ---------------------------------------------------------------- information
def _xlogy(x, y):
    """x log y with 0 log y = 0 for every y >= 0 (and x log 0 = -inf for x > 0)."""
    if is_nan(x) or is_nan(y):
        return NAN
    if x == 0:
        return mpf(0)
    if y == 0:
        return -INF
    return x * MP.log(y)


def _scale(v, base):
    return v if base is None else v / MP.log(mpf(base))


def entropy(p, base=None):
    ps = _finite_row(p)
    return _scale(-MP.fsum(_xlogy(v, v) for v in ps), base)


def cross_entropy(p, q, base=None):
    ps, qs = _finite_row(p), _finite_row(q)
    return _scale(-MP.fsum(_xlogy(a, b) for a, b in zip(ps, qs, strict=True)), base)


def kl_divergence(p, q, base=None):
    """Sum of p (log p - log q); at 100 digits, as the terms cancel when q -> p."""
    with MP.workdps(100):
        return +_kl_divergence(p, q, base)


def _kl_divergence(p, q, base):
    ps, qs = _finite_row(p), _finite_row(q)
    terms = []
    for a, b in zip(ps, qs, strict=True):
        if is_nan(a) or is_nan(b):
            terms.append(NAN)
        elif a == 0:
            terms.append(mpf(0))
        elif b == 0:
            terms.append(INF)
        else:
            terms.append(a * (MP.log(a) - MP.log(b)))
    return _scale(MP.fsum(terms), base)


# ---------------------------------------------------------------- losses (per example)
def _nanguard(*vals):
    return any(is_nan(v) for v in vals)


def mse1(p, t):
    p, t = to_mp(p), to_mp(t)
    if _nanguard(p, t):
        return NAN
    r = p - t
    if is_nan(r):
        return NAN
    return r * r


def mae1(p, t):
    p, t = to_mp(p), to_mp(t)
    if _nanguard(p, t):
        return NAN
    return abs(p - t)


def huber1(p, t, delta=1.0):
    p, t, d = to_mp(p), to_mp(t), to_mp(delta)
    if _nanguard(p, t):
        return NAN
    r = abs(p - t)
    if is_nan(r):
        return NAN
    return r * r / 2 if r <= d else d * (r - d / 2)


def _xlog1my(x, y):
    """x log(1 - y), exact also for tiny y (1 - y itself would round to 1)."""
    if is_nan(x) or is_nan(y):
        return NAN
    if x == 0:
        return mpf(0)
    if y == 1:
        return -INF
    return x * MP.log1p(-y)


def bce1(p, t):
    p, t = to_mp(p), to_mp(t)
    if _nanguard(p, t):
        return NAN
    return -(_xlogy(t, p) + _xlog1my(1 - t, p))


def bce_logits1(x, t):
    """-(t log s(x) + (1 - t) log s(-x)), with 0 x (anything) = 0 at the infinite ends."""
    x, t = to_mp(x), to_mp(t)
    if _nanguard(x, t):
        return NAN
    a = mpf(0) if t == 0 else -t * log_sigmoid(x)
    b = mpf(0) if t == 1 else -(1 - t) * log_sigmoid(-x)
    return a + b


def hinge1(s, t):
    s, t = to_mp(s), to_mp(t)
    if _nanguard(s, t):
        return NAN
    return max(mpf(0), 1 - t * s)


def smoothed_target(row_len: int, target, label_smoothing: float):
    """The (smoothed) target distribution of one example, as exact mpf values."""
    if np.ndim(target) == 0:
        t = [mpf(0)] * row_len
        t[int(target)] = mpf(1)
    else:
        t = [to_mp(v) for v in np.ravel(target)]
    eps = to_mp(label_smoothing)
    return [(1 - eps) * v + eps / row_len for v in t]


def softmax_ce1(logits_row, target, label_smoothing=0.0):
    ls = log_softmax(logits_row)
    t = smoothed_target(len(ls), target, label_smoothing)
    terms = []
    for a, b in zip(t, ls, strict=True):
        if is_nan(a) or is_nan(b):
            terms.append(NAN)
        elif a == 0:
            terms.append(mpf(0))
        else:
            terms.append(-a * b)
    return MP.fsum(terms)


def multiclass_hinge1(scores_row, label, margin=1.0):
    s = _finite_row(scores_row)
    y = int(label)
    m = to_mp(margin)
    if any(is_nan(v) for v in s):
        return NAN
    terms = [max(mpf(0), s[j] - s[y] + m) for j in range(len(s)) if j != y]
    return MP.fsum(terms) if terms else mpf(0)


# ---------------------------------------------------------------- gradients (per element)
def _sign(v):
    return mpf(1) if v > 0 else (mpf(-1) if v < 0 else mpf(0))


def mse_grad1(p, t):
    p, t = to_mp(p), to_mp(t)
    return NAN if _nanguard(p, t) else 2 * (p - t)


def mae_grad1(p, t):
    p, t = to_mp(p), to_mp(t)
    return NAN if _nanguard(p, t) else _sign(p - t)


def huber_grad1(p, t, delta=1.0):
    p, t, d = to_mp(p), to_mp(t), to_mp(delta)
    if _nanguard(p, t):
        return NAN
    r = p - t
    return r if abs(r) <= d else d * _sign(r)


def bce_grad1(p, t):
    """d/dp of -(t log p + (1 - t) log(1 - p)); a zero weight kills its term."""
    p, t = to_mp(p), to_mp(t)
    if _nanguard(p, t):
        return NAN
    a = mpf(0) if t == 0 else (-INF if p == 0 else -t / p)
    b = mpf(0) if t == 1 else (INF if p == 1 else (1 - t) / (1 - p))
    if MP.isinf(a) and MP.isinf(b):
        return NAN
    return a + b


def bce_logits_grad1(x, t):
    x, t = to_mp(x), to_mp(t)
    if _nanguard(x, t):
        return NAN
    # sigmoid(x) - t, written to keep relative accuracy when both are near 1
    if x > 0:
        return (1 - t) - sigmoid(-x)
    return sigmoid(x) - t


def hinge_grad1(s, t):
    s, t = to_mp(s), to_mp(t)
    if _nanguard(s, t):
        return NAN
    return -t if 1 - t * s > 0 else mpf(0)


def softmax_ce_grad_row(logits_row, target, label_smoothing=0.0):
    """softmax - t; at a finite row's maximum a, p_a - t_a = (1 - t_a) - sum_{j != a} p_j
    (p_a alone rounds to 1 at 50 digits once the others are below 1e-50)."""
    sm = softmax(logits_row)
    t = smoothed_target(len(sm), target, label_smoothing)
    g = [a - b for a, b in zip(sm, t, strict=True)]
    xs = _finite_row(logits_row)
    if all(MP.isfinite(v) for v in xs) and xs:
        a = lse_parts(xs)[1]
        g[a] = (1 - t[a]) - MP.fsum(v for j, v in enumerate(sm) if j != a)
    return g


def multiclass_hinge_grad_row(scores_row, label, margin=1.0):
    s = _finite_row(scores_row)
    y = int(label)
    m = to_mp(margin)
    g = [mpf(0)] * len(s)
    for j in range(len(s)):
        if j != y and s[j] - s[y] + m > 0:
            g[j] += 1
            g[y] -= 1
    return g


def softmax_jacobian_row(row):
    s = softmax(row)
    k = len(s)
    return [[s[i] * ((1 if i == j else 0) - s[j]) for j in range(k)] for i in range(k)]


# ---------------------------------------------------------------- torch helpers
def t64(a, grad=False) -> torch.Tensor:
    """A float64 torch tensor (a copy) of ``a``."""
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def tlong(a) -> torch.Tensor:
    return torch.tensor(np.asarray(a, dtype=np.int64))


def to_np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy()


def torch_loss(name, first, target, reduction, **kw):
    """The same loss from torch.nn.functional (float64, CPU); ``first`` may be a
    numpy array or a float64 tensor (to differentiate with autograd)."""
    x = first if isinstance(first, torch.Tensor) else t64(first)
    first = x
    if name == "mse":
        return F.mse_loss(x, t64(np.broadcast_to(target, first.shape)), reduction=reduction)
    if name == "mae":
        return F.l1_loss(x, t64(np.broadcast_to(target, first.shape)), reduction=reduction)
    if name == "huber":
        return F.huber_loss(x, t64(np.broadcast_to(target, first.shape)),
                            reduction=reduction, delta=kw["delta"])
    if name == "binary_cross_entropy":
        return F.binary_cross_entropy(x, t64(np.broadcast_to(target, first.shape)),
                                      reduction=reduction)
    if name == "binary_cross_entropy_with_logits":
        return F.binary_cross_entropy_with_logits(
            x, t64(np.broadcast_to(target, first.shape)), reduction=reduction)
    if name == "hinge":
        v = torch.clamp(1 - t64(np.broadcast_to(target, first.shape)) * x, min=0)
        return {"none": v, "sum": v.sum(), "mean": v.mean()}[reduction]
    lead = tuple(first.shape[:-1])
    k = first.shape[-1]
    x2 = x.reshape(-1, k)
    target = np.asarray(target)
    if name == "softmax_cross_entropy":
        if target.dtype.kind in "iu":
            t2 = tlong(target.reshape(-1))
        else:
            t2 = t64(target.reshape(-1, k))
        v = F.cross_entropy(x2, t2, reduction="none", label_smoothing=kw["label_smoothing"])
    elif name == "multiclass_hinge":
        # torch divides by the number of classes K; the contract's loss does not.
        v = k * F.multi_margin_loss(x2, tlong(target.reshape(-1)), p=1,
                                    margin=kw["margin"], reduction="none")
    else:
        raise KeyError(name)
    v = v.reshape(lead)
    return {"none": v, "sum": v.sum(), "mean": v.mean()}[reduction]


# ---------------------------------------------------------------- loss catalogue
@dataclass
class LossSpec:
    """One loss of the contract and everything the generic tests need about it.

    ``make(rng, shape, dtype)`` returns ``(first, target, kwargs)`` of valid input:
    ``shape`` is the shape of the per-example result (for class-axis losses the
    first argument has an extra last axis of ``K`` classes). ``ref_none`` gives the
    exact per-example values (object array), ``ref_grad`` the exact gradient of the
    "sum" reduction (object array shaped like the first argument).
    """

    name: str
    classes: bool
    make: object
    ref_none: object
    ref_grad: object
    kinks: object = None  # (first, target, kwargs) -> bool array: too near a kink
    kwargs_names: tuple = field(default_factory=tuple)

    @property
    def grad_name(self) -> str:
        return self.name + "_grad"


def _vec2(f, first, target, **kw):
    first = np.asarray(first)
    target = np.broadcast_to(np.asarray(target), first.shape)
    out = np.empty(first.shape, dtype=object)
    for idx in np.ndindex(first.shape):
        out[idx] = f(first[idx], target[idx], **kw)
    return out


def _rows2(f, first, target, row_out: bool, **kw):
    first = np.asarray(first)
    k = first.shape[-1]
    lead = first.shape[:-1]
    target = np.asarray(target)
    int_target = target.dtype.kind in "iu"
    out = np.empty(first.shape if row_out else lead, dtype=object)
    for idx in np.ndindex(lead):
        t = target[idx] if int_target else target[idx + (slice(None),)]
        r = f(first[idx + (slice(None),)], t, **kw)
        if row_out:
            for j in range(k):
                out[idx + (j,)] = r[j]
        else:
            out[idx] = r
    return out


def count_examples(spec: LossSpec, first) -> int:
    shape = np.shape(first)
    return int(np.prod(shape[:-1] if spec.classes else shape))


def _reg_make(rng, shape, dtype):
    return (
        (rng.standard_normal(shape) * 3).astype(dtype),
        (rng.standard_normal(shape) * 3).astype(dtype),
        {},
    )


def _huber_make(rng, shape, dtype):
    p, t, _ = _reg_make(rng, shape, dtype)
    return p, t, {"delta": float(rng.choice([0.5, 1.0, 2.5]))}


def _bce_make(rng, shape, dtype):
    p = rng.uniform(0.02, 0.98, shape).astype(dtype)
    if rng.random() < 0.5:
        t = rng.integers(0, 2, shape).astype(dtype)
    else:
        t = rng.uniform(0, 1, shape).astype(dtype)
    return p, t, {}


def _bcel_make(rng, shape, dtype):
    x = (rng.standard_normal(shape) * 4).astype(dtype)
    t = rng.uniform(0, 1, shape).astype(dtype)
    return x, t, {}


def _hinge_make(rng, shape, dtype):
    s = (rng.standard_normal(shape) * 2).astype(dtype)
    t = rng.choice(np.array([-1, 1], dtype=np.int64), size=shape)
    return s, t, {}


def dirichlet(rng, shape, dtype):
    """Random distributions along the last axis, renormalised in the target dtype."""
    d = rng.dirichlet(np.ones(shape[-1]), size=shape[:-1]).astype(dtype)
    return d


def _sce_make(rng, shape, dtype, k=None):
    k = k or int(rng.integers(2, 6))
    x = (rng.standard_normal(shape + (k,)) * 3).astype(dtype)
    if rng.random() < 0.5:
        t = rng.integers(0, k, shape).astype(np.int64)
    else:
        t = dirichlet(rng, shape + (k,), dtype)
    return x, t, {"label_smoothing": float(rng.choice([0.0, 0.0, 0.1, 0.3]))}


def _mch_make(rng, shape, dtype, k=None):
    k = k or int(rng.integers(2, 6))
    s = (rng.standard_normal(shape + (k,)) * 2).astype(dtype)
    y = rng.integers(0, k, shape).astype(np.int64)
    return s, y, {"margin": float(rng.choice([0.5, 1.0, 2.0]))}


def _kink_abs(first, target, **kw):
    with np.errstate(over="ignore", invalid="ignore"):
        return _kink_abs_(first, target)


def _kink_abs_(first, target):
    r = np.abs(np.asarray(first, np.float64) - np.asarray(target, np.float64))
    return r < 1e-3


def _kink_huber(first, target, delta=1.0):
    with np.errstate(over="ignore", invalid="ignore"):
        r = np.abs(np.asarray(first, np.float64) - np.asarray(target, np.float64))
        return np.abs(r - delta) < 1e-3


def _kink_hinge(first, target):
    with np.errstate(over="ignore", invalid="ignore"):
        return np.abs(1 - np.asarray(target) * np.asarray(first, np.float64)) < 1e-3


def _kink_mch(first, target, margin=1.0):
    s = np.asarray(first, np.float64)
    sy = np.take_along_axis(s, np.asarray(target)[..., None], axis=-1)
    with np.errstate(over="ignore", invalid="ignore"):
        return (np.abs(s - sy + margin) < 1e-3).any(axis=-1)


LOSSES = [
    LossSpec(
        "mse", False, _reg_make,
        lambda a, b, **kw: _vec2(mse1, a, b),
        lambda a, b, **kw: _vec2(mse_grad1, a, b),
    ),
    LossSpec(
        "mae", False, _reg_make,
        lambda a, b, **kw: _vec2(mae1, a, b),
        lambda a, b, **kw: _vec2(mae_grad1, a, b),
        kinks=_kink_abs,
    ),
    LossSpec(
        "huber", False, _huber_make,
        lambda a, b, **kw: _vec2(huber1, a, b, **kw),
        lambda a, b, **kw: _vec2(huber_grad1, a, b, **kw),
        kinks=_kink_huber, kwargs_names=("delta",),
    ),
    LossSpec(
        "binary_cross_entropy", False, _bce_make,
        lambda a, b, **kw: _vec2(bce1, a, b),
        lambda a, b, **kw: _vec2(bce_grad1, a, b),
    ),
    LossSpec(
        "binary_cross_entropy_with_logits", False, _bcel_make,
        lambda a, b, **kw: _vec2(bce_logits1, a, b),
        lambda a, b, **kw: _vec2(bce_logits_grad1, a, b),
    ),
    LossSpec(
        "softmax_cross_entropy", True, _sce_make,
        lambda a, b, **kw: _rows2(softmax_ce1, a, b, False, **kw),
        lambda a, b, **kw: _rows2(softmax_ce_grad_row, a, b, True, **kw),
        kwargs_names=("label_smoothing",),
    ),
    LossSpec(
        "hinge", False, _hinge_make,
        lambda a, b, **kw: _vec2(hinge1, a, b),
        lambda a, b, **kw: _vec2(hinge_grad1, a, b),
        kinks=_kink_hinge,
    ),
    LossSpec(
        "multiclass_hinge", True, _mch_make,
        lambda a, b, **kw: _rows2(multiclass_hinge1, a, b, False, **kw),
        lambda a, b, **kw: _rows2(multiclass_hinge_grad_row, a, b, True, **kw),
        kinks=_kink_mch, kwargs_names=("margin",),
    ),
]
LOSS_BY_NAME = {s.name: s for s in LOSSES}
REDUCTIONS = ("mean", "sum", "none")


def _finite_abs(a):
    return np.where(np.isfinite(a), np.abs(a), 0.0)


def input_magnitude(spec: LossSpec, first, target) -> np.ndarray:
    """Per-example magnitude of the inputs (max |finite entry| entering the example)."""
    first = np.asarray(first, dtype=np.float64)
    target = np.asarray(target)
    if not spec.classes:
        t = np.broadcast_to(target.astype(np.float64), first.shape)
        return np.maximum(_finite_abs(first), _finite_abs(t))
    m = magnitude(first, axis=-1)
    if target.dtype.kind == "f":
        m = np.maximum(m, magnitude(target, axis=-1))
    return m


def make_valid(spec: LossSpec, rng, shape, dtype, avoid_kinks=False, tries=50):
    """Random valid input for ``spec``; with ``avoid_kinks`` re-draws near kinks."""
    for _ in range(tries):
        first, target, kw = spec.make(rng, shape, dtype)
        if not avoid_kinks or spec.kinks is None or not spec.kinks(first, target, **kw).any():
            return first, target, kw
    raise RuntimeError(f"could not draw kink-free input for {spec.name}")


# ---------------------------------------------------------------- every public function
ACTIVATIONS = ("sigmoid", "log_sigmoid", "softplus", "sigmoid_grad")
ROW_FUNCTIONS = ("logsumexp", "softmax", "log_softmax", "softmax_jacobian")
INFORMATION = ("entropy", "cross_entropy", "kl_divergence")


def sample_calls(dtype=np.float64, seed=0):
    """``(name, args, kwargs)`` for every public array function on small valid input
    of the given float dtype (labels stay integer). Used by the generic tests."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((3, 4)) * 2).astype(dtype)
    p = dirichlet(rng, (3, 4), dtype)
    q = dirichlet(rng, (3, 4), dtype)
    calls = [(n, (x,), {}) for n in ACTIVATIONS + ROW_FUNCTIONS]
    calls.append(("entropy", (p,), {}))
    calls += [(n, (p, q), {}) for n in INFORMATION[1:]]
    for spec in LOSSES:
        first, target, kw = make_valid(spec, rng, (3,), dtype, avoid_kinks=True)
        calls.append((spec.name, (first, target), kw))
        calls.append((spec.grad_name, (first, target), kw))
    return calls


CALL_IDS = [c[0] for c in sample_calls()]


# ---------------------------------------------------------------- extreme grids
def extreme_values(dtype) -> np.ndarray:
    """The finite extremes of the brief, in ``dtype``: 0, ±smallest subnormal, ±tiny,
    ±1e-300, ±1, ±30, ±88, ±710, ±800, ±1e38, ±3e38, ±1e308, ±max (those that exist)."""
    fi = np.finfo(dtype)
    mags = [float(fi.smallest_subnormal), float(fi.tiny), 1e-300, 1.0, 30.0, 88.0, 710.0,
            800.0, 1e38, 3e38, 1e308, float(fi.max)]
    with np.errstate(over="ignore", under="ignore"):
        v = np.array([0.0] + mags + [-m for m in mags], dtype=np.float64).astype(dtype)
    v = v[np.isfinite(v)]
    _, idx = np.unique(v, return_index=True)  # keep one zero (and no duplicates)
    return v[np.sort(idx)]


def probability_values(dtype) -> np.ndarray:
    fi = np.finfo(dtype)
    return np.array([0.0, float(fi.smallest_subnormal), float(fi.tiny), 1e-30, 0.25, 0.5,
                     1 - float(fi.eps), 1.0], dtype=dtype)


def extreme_loss_inputs(spec: LossSpec, dtype):
    """(first, target, kwargs) pairing extreme values, for one loss."""
    e = extreme_values(dtype)
    if spec.name in ("mse", "mae", "huber"):
        a, b = np.meshgrid(e, e, indexing="ij")
        return a.ravel(), b.ravel(), ({"delta": 1.0} if spec.name == "huber" else {})
    if spec.name == "binary_cross_entropy":
        p = probability_values(dtype)
        a, b = np.meshgrid(p, p, indexing="ij")
        return a.ravel(), b.ravel(), {}
    if spec.name == "binary_cross_entropy_with_logits":
        a, b = np.meshgrid(e, probability_values(dtype), indexing="ij")
        return a.ravel(), b.ravel(), {}
    if spec.name == "hinge":
        a, b = np.meshgrid(e, np.array([-1, 1]), indexing="ij")
        return a.ravel(), b.ravel(), {}
    rows = np.array([[x, y, 0.0] for x in e for y in e], dtype=dtype)
    labels = np.arange(len(rows)) % 3
    if spec.name == "softmax_cross_entropy":
        return rows, labels, {"label_smoothing": 0.0}
    return rows, labels, {"margin": 1.0}


def representable(exact, dtype) -> np.ndarray:
    """Which exact values are finite and stay finite when rounded to ``dtype``."""
    return np.array(
        [bool(MP.isfinite(e)) and bool(np.isfinite(round_to(e, dtype))) for e in np.ravel(exact)],
        dtype=bool,
    ).reshape(np.shape(exact))


def seed_of(*parts) -> int:
    """A stable seed from test parameters (str hashes change from run to run)."""
    import zlib

    return zlib.crc32(repr(parts).encode())
