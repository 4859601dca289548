r"""The lossbook functions once more, as SymPy expressions: one definition each.

Every chapter's derivation and every symbolic test builds its formulas from here,
so a formula is written once. Each builder returns a plain SymPy expression made
of elementary functions (``exp``, ``log``, ``Max``, ``Abs``, ``Piecewise``); the
tests compare each one with its numeric twin in :mod:`lossbook` at random points.

Vectors come in two forms:

* an explicit sequence of SymPy expressions, e.g. ``sp.symbols("x1:4", real=True)``;
  sums are written out and an index ``i`` is a Python (0-based) position;
* an :class:`~sympy.IndexedBase` ``x`` with a dimension ``n`` (a positive integer
  symbol such as :data:`N`, or an integer): sums are ``Sum(..., (k, 1, n))`` over the
  entries ``x[1], ..., x[n]`` (1-based, as in the text) and ``i`` is a SymPy index.
  ``Sum(...).subs(n, 3).doit()`` writes the sum out, which is how the derivation
  engine checks statements over a vector dimension for concrete ``n``.

Assumptions belong on the symbols: :func:`scalar` and :func:`vector` make real
symbols by default; :func:`probabilities` makes a positive vector whose entries are
probabilities, and :func:`sums_to_one` is the condition :math:`\sum_k p_k = 1`
(SymPy's assumptions cannot state it; pass it to ``Derivation(assumptions=...)``).

For display, :class:`Sigmoid`, :class:`Softplus`, :class:`LogSumExp`, :class:`Softmax`
and :class:`MaxOver` are unevaluated heads that print as
:math:`\sigma(x)`, :math:`\zeta(x)`, :math:`\operatorname{logsumexp}(x)`,
:math:`\operatorname{softmax}(x)_i` and :math:`\max_k x_k`; ``.unfold()`` (and
``.doit()``) replaces each by its definition from the builders below, so a chain
may show :math:`\sigma(x)` while the checker works with :math:`1/(1+e^{-x})`.

References: Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 3.10,
6.2.2; the formulas are those of ``API.md``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp

__all__ = [
    "N",
    "K",
    "scalar",
    "vector",
    "probabilities",
    "sums_to_one",
    "sigmoid",
    "softplus",
    "log_sigmoid",
    "logsumexp",
    "softmax",
    "log_softmax",
    "vmax",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "mse",
    "mae",
    "huber",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "softmax_cross_entropy",
    "hinge",
    "multiclass_hinge",
    "Sigmoid",
    "Softplus",
    "LogSumExp",
    "Softmax",
    "MaxOver",
]

#: The vector dimension: a positive integer symbol.
N = sp.Symbol("n", integer=True, positive=True)
#: The default summation index.
K = sp.Symbol("k", integer=True)


# ----------------------------------------------------------------------------- symbols
def scalar(name: str, **assumptions) -> sp.Symbol:
    """A scalar symbol, real unless other assumptions are given (``positive=True``...)."""
    return sp.Symbol(name, **(assumptions or {"real": True}))


def vector(name: str, **assumptions) -> sp.IndexedBase:
    """A vector ``x[1], ..., x[n]`` as an IndexedBase, real entries unless told otherwise."""
    return sp.IndexedBase(name, **(assumptions or {"real": True}))


def probabilities(name: str) -> sp.IndexedBase:
    """A vector of probabilities: positive entries (add :func:`sums_to_one` as a condition)."""
    return sp.IndexedBase(name, positive=True)


def sums_to_one(p, n=None, k=K) -> sp.Eq:
    r"""The condition :math:`\sum_k p_k = 1`, for ``Derivation(assumptions=...)``."""
    return sp.Eq(_sum(lambda e: e, p, n, k), 1)


# ------------------------------------------------------------------ vector plumbing
def _is_seq(x) -> bool:
    return isinstance(x, Sequence | sp.Tuple) and not isinstance(x, str)


def _entry(x, i):
    return x[i]


def _sum(f, x, n=None, k=K):
    """``sum_k f(x_k)``: written out for a sequence, a ``Sum`` over 1..n for an IndexedBase."""
    if _is_seq(x):
        return sp.Add(*[f(xi) for xi in x])
    if n is None:
        raise ValueError("an IndexedBase vector needs its dimension n")
    return sp.Sum(f(x[k]), (k, 1, n))


def _sum2(f, p, q, n=None, k=K):
    """``sum_k f(p_k, q_k)`` for two vectors of the same form."""
    if _is_seq(p):
        if not _is_seq(q) or len(p) != len(q):
            raise ValueError("p and q must be sequences of the same length")
        return sp.Add(*[f(a, b) for a, b in zip(p, q, strict=True)])
    if n is None:
        raise ValueError("an IndexedBase vector needs its dimension n")
    return sp.Sum(f(p[k], q[k]), (k, 1, n))


def _log(e, base=None):
    return sp.log(e) if base is None else sp.log(e) / sp.log(base)


# --------------------------------------------------------------------- activations
def sigmoid(x):
    r""":math:`\sigma(x) = 1 / (1 + e^{-x})`."""
    return 1 / (1 + sp.exp(-x))


def softplus(x):
    r""":math:`\zeta(x) = \log(1 + e^{x})`."""
    return sp.log(1 + sp.exp(x))


def log_sigmoid(x):
    r""":math:`\log \sigma(x)`."""
    return sp.log(sigmoid(x))


def logsumexp(x, n=None, k=K):
    r""":math:`\log \sum_k e^{x_k}`."""
    return sp.log(_sum(sp.exp, x, n, k))


def softmax(x, i=None, n=None, k=K):
    r"""Softmax :math:`s_i = e^{x_i} / \sum_k e^{x_k}`.

    For a sequence ``x``: the list of all entries when ``i`` is None, else entry ``i``
    (0-based). For an IndexedBase: entry ``i`` (a SymPy index in 1..n).
    """
    denominator = _sum(sp.exp, x, n, k)
    if _is_seq(x):
        entries = [sp.exp(xi) / denominator for xi in x]
        return entries if i is None else entries[i]
    if i is None:
        raise ValueError("an IndexedBase softmax needs the entry index i")
    return sp.exp(x[i]) / denominator


def log_softmax(x, i=None, n=None, k=K):
    r""":math:`\log s_i = x_i - \log \sum_k e^{x_k}` (same conventions as :func:`softmax`)."""
    lse = logsumexp(x, n, k)
    if _is_seq(x):
        entries = [xi - lse for xi in x]
        return entries if i is None else entries[i]
    if i is None:
        raise ValueError("an IndexedBase log_softmax needs the entry index i")
    return x[i] - lse


def vmax(x, n=None):
    r""":math:`\max_k x_k`: ``Max`` of a sequence, :class:`MaxOver` for an IndexedBase."""
    if _is_seq(x):
        return sp.Max(*x)
    if n is None:
        raise ValueError("an IndexedBase vector needs its dimension n")
    return MaxOver(x, n)


# --------------------------------------------------------------------- information
def entropy(p, n=None, k=K, base=None):
    r""":math:`H(p) = -\sum_k p_k \log p_k` (natural log; ``base=2`` gives bits)."""
    return -_sum(lambda pk: pk * _log(pk, base), p, n, k)


def cross_entropy(p, q, n=None, k=K, base=None):
    r""":math:`H(p, q) = -\sum_k p_k \log q_k`."""
    return -_sum2(lambda pk, qk: pk * _log(qk, base), p, q, n, k)


def kl_divergence(p, q, n=None, k=K, base=None):
    r""":math:`\mathrm{KL}(p \| q) = \sum_k p_k \log (p_k / q_k)`."""
    return _sum2(lambda pk, qk: pk * _log(pk / qk, base), p, q, n, k)


# --------------------------------------------------------------------------- losses
def mse(pred, target):
    r"""Squared error :math:`(\hat y - y)^2` of one example."""
    return (pred - target) ** 2


def mae(pred, target):
    r"""Absolute error :math:`|\hat y - y|` of one example."""
    return sp.Abs(pred - target)


def huber(pred, target, delta=1):
    r"""Huber loss of :math:`r = \hat y - y`: :math:`r^2/2` if :math:`|r| \le \delta`,
    else :math:`\delta(|r| - \delta/2)`."""
    r = pred - target
    return sp.Piecewise((r**2 / 2, sp.Abs(r) <= delta), (delta * (sp.Abs(r) - delta / 2), True))


def binary_cross_entropy(prob, target):
    r""":math:`-(t \log p + (1 - t) \log(1 - p))`."""
    return -(target * sp.log(prob) + (1 - target) * sp.log(1 - prob))


def binary_cross_entropy_with_logits(logit, target):
    r"""Binary cross-entropy of :math:`p = \sigma(z)`."""
    return binary_cross_entropy(sigmoid(logit), target)


def softmax_cross_entropy(logits, target, n=None, k=K, label_smoothing=0):
    r""":math:`-\sum_k t_k \log \operatorname{softmax}(x)_k`.

    ``target`` is a vector of the same form as ``logits``, or (for a sequence of
    logits) an integer class position (0-based). Label smoothing :math:`\varepsilon`
    uses :math:`t = (1-\varepsilon) t + \varepsilon / K` with K the number of classes.
    """
    if _is_seq(logits):
        classes = len(logits)
        if isinstance(target, int):
            target = [sp.Integer(int(c == target)) for c in range(classes)]
        eps = sp.sympify(label_smoothing)
        t = [(1 - eps) * tk + eps / classes for tk in target]
        return -sp.Add(*[tk * lk for tk, lk in zip(t, log_softmax(logits), strict=True)])
    eps = sp.sympify(label_smoothing)
    lse = logsumexp(logits, n, k=sp.Symbol("l", integer=True))
    return -_sum2(lambda xk, tk: ((1 - eps) * tk + eps / n) * (xk - lse), logits, target, n, k)


def hinge(score, target):
    r""":math:`\max(0, 1 - t s)` for a label :math:`t \in \{-1, +1\}`."""
    return sp.Max(0, 1 - target * score)


def multiclass_hinge(scores, label: int, margin=1):
    r"""Weston-Watkins :math:`\sum_{j \ne y} \max(0, s_j - s_y + \Delta)`; ``label`` 0-based."""
    sy = scores[label]
    return sp.Add(*[sp.Max(0, sj - sy + margin) for j, sj in enumerate(scores) if j != label])


# ------------------------------------------------------------------ display heads
class _Named(sp.Function):
    """An unevaluated head that prints by name and unfolds to its definition."""

    def unfold(self):  # pragma: no cover - every subclass overrides it
        raise NotImplementedError

    def doit(self, **hints):
        args = [a.doit(**hints) if hints.get("deep", True) else a for a in self.args]
        return self.func(*args).unfold().doit(**hints)


class Sigmoid(_Named):
    r"""Displays as :math:`\sigma(x)`; unfolds to :func:`sigmoid`."""

    nargs = 1

    def unfold(self):
        return sigmoid(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _latex(self, printer):
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"


class Softplus(_Named):
    r"""Displays as :math:`\zeta(x)`; unfolds to :func:`softplus`."""

    nargs = 1

    def unfold(self):
        return softplus(self.args[0])

    def _eval_is_real(self):
        return self.args[0].is_real

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _latex(self, printer):
        return r"\zeta\left(" + printer._print(self.args[0]) + r"\right)"


class LogSumExp(_Named):
    r"""``LogSumExp(x, n)`` displays as :math:`\operatorname{logsumexp}(x)`."""

    nargs = 2

    def unfold(self):
        x, n = self.args
        return logsumexp(x, n)

    def _latex(self, printer):
        return r"\operatorname{logsumexp}\left(" + printer._print(self.args[0]) + r"\right)"


class Softmax(_Named):
    r"""``Softmax(x, i, n)`` displays as :math:`\operatorname{softmax}(x)_i`."""

    nargs = 3

    def unfold(self):
        x, i, n = self.args
        return softmax(x, i, n)

    def _eval_is_positive(self):
        return True if self.args[0].is_real else None

    def _latex(self, printer):
        x, i, _ = self.args
        return (r"\operatorname{softmax}\left(" + printer._print(x) + r"\right)_{"
                + printer._print(i) + "}")


class MaxOver(_Named):
    r"""``MaxOver(x, n)`` displays as :math:`\max_k x_k`; for an integer ``n`` it unfolds
    to ``Max(x[1], ..., x[n])`` (for a symbolic ``n`` it stays as it is)."""

    nargs = 2

    def unfold(self):
        x, n = self.args
        if not n.is_Integer:
            return self
        return sp.Max(*[x[j] for j in range(1, int(n) + 1)])

    def doit(self, **hints):
        out = self.unfold()
        return self if out is self else out.doit(**hints)

    def _eval_is_real(self):
        return self.args[0].is_real

    def _latex(self, printer):
        x = printer._print(self.args[0])
        return r"\max_{k} {" + x + "}_{k}"
