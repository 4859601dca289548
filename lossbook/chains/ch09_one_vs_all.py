r"""Chapter 9 (one logit or two, one-vs-all, multi-label, label smoothing): checked derivations.

* ``ova.two-logit-sigmoid``: a softmax over two logits is the sigmoid of their
  difference, :math:`e^{z_+}/(e^{z_+} + e^{z_-}) = \sigma(z_+ - z_-)`;
* ``ova.two-logit-loss``: the two-logit cross-entropy is the binary cross-entropy of the
  logit difference, :math:`\zeta(z_+ - z_-) - y(z_+ - z_-)`;
* ``ova.two-logit-grad`` / ``ova.two-logit-grad-negative``: its derivatives in the two
  logits are :math:`\pm(\sigma(z_+ - z_-) - y)`;
* ``ova.two-logit-update``: one gradient step on linear logits moves the difference of
  the weight vectors by twice the one-logit step;
* ``ova.sum-log-loss-grad``: the derivative of the one-vs-all loss
  :math:`\sum_k [\zeta(z_k) - y_k z_k]` in :math:`z_i` is :math:`\sigma(z_i) - y_i`
  (checked for n = 2..6);
* ``ova.softmax-below-sigmoid``: :math:`\sigma(z_i) - \operatorname{softmax}(z)_i` has the
  sign of :math:`S_i - 1`, :math:`S_i = \sum_{j \ne i} e^{z_j}` (the exact criterion);
* ``ova.sufficient-condition``: if every :math:`z_j \ge \log\frac{1}{n-1}`, then
  :math:`S_i \ge 1` (checked for n - 1 = 1..5);
* ``multilabel.copies`` / ``multilabel.copies-grad``: the loss and the gradient of k
  one-hot copies of an example are k times those of one example with the soft label
  :math:`y/k` (the gradient checked for n = 2..6);
* ``smoothing.decomposition``: the label-smoothed cross-entropy is
  :math:`(1-\varepsilon) H(y, q) + \varepsilon(\log n + \mathrm{KL}(u \,\|\, q))`;
* ``smoothing.optimal-gap``: at the optimum the logit of the labelled class exceeds every
  other by :math:`\log(1 + n(1-\varepsilon)/\varepsilon)`.

The source errors on these topics are in :mod:`lossbook.errata.ch09`.

References: Mao, blog post on log loss, cross-entropy and the sum of log losses (source
002); Szegedy et al., "Rethinking the Inception architecture for computer vision", CVPR
2016 (label smoothing); Goodfellow, Bengio and Courville, *Deep Learning* (2016), 6.2.2.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import EXP_GE_ONE_PLUS_X, Derivation, claim
from ..symbolic import Sigmoid, Softmax, Softplus, _Named

__all__ = ["shown"]

zp, zm = sp.symbols("z_+ z_-", real=True)  # the positive and the negative logit
y = sp.Symbol("y", real=True)
wp, wm, x, eta, g = sp.symbols("w_+ w_- x eta g", real=True)
z = sym.vector("z")
q = sym.probabilities("q")
labels = sp.IndexedBase("y", nonnegative=True)
n = sym.N
i, j = sp.symbols("i j", integer=True)
k = sp.Symbol("k", integer=True, positive=True)
m = sp.Symbol("m", integer=True, positive=True)
u = sp.IndexedBase("u", nonnegative=True)
zi = sp.Symbol("z_i", real=True)
S = sp.Symbol("S_i", positive=True)
eps = sp.Symbol("varepsilon", positive=True)
N_RANGE = (n, range(2, 7))

_SHOWN: dict = {}


def shown(tex: str, expr):
    r"""``expr`` displayed as the LaTeX ``tex`` (a named quantity such as
    :math:`H(y, q)`); the checker unfolds it to ``expr``, so nothing is assumed."""
    if tex not in _SHOWN:
        _SHOWN[tex] = type(f"Shown{len(_SHOWN)}", (_Named,), {
            "nargs": 1,
            "unfold": lambda self: self.args[0],
            "_latex": lambda self, printer, tex=tex: tex,
            "_eval_is_real": lambda self: self.args[0].is_real,
        })
    return _SHOWN[tex](sp.sympify(expr))


def total(body, index=j, upper=n):
    return sp.Sum(body, (index, 1, upper))


# ------------------------------------------------------------------- one logit or two


@claim("ova.two-logit-sigmoid", chapter="ch09")
def two_logit_sigmoid() -> Derivation:
    r"""softmax(z_+, z_-)_+ = sigma(z_+ - z_-)."""
    return (Derivation(sp.exp(zp) / (sp.exp(zp) + sp.exp(zm)), name="ova.two-logit-sigmoid")
            .step(1 / (1 + sp.exp(-(zp - zm))), r"divide above and below by $e^{z_+}$")
            .step(Sigmoid(zp - zm), r"definition of $\sigma$"))


def _two_logit_loss():
    return Softplus(zp - zm) - y * (zp - zm)


@claim("ova.two-logit-loss", chapter="ch09")
def two_logit_loss() -> Derivation:
    r"""-y log s_+ - (1 - y) log s_- = zeta(z_+ - z_-) - y (z_+ - z_-)."""
    total_exp = sp.exp(zp) + sp.exp(zm)
    lse = shown(r"L", sp.log(total_exp))  # L = log(e^{z_+} + e^{z_-}), named in the text
    s_plus = shown(r"\operatorname{softmax}(z)_+", sp.exp(zp) / total_exp)
    s_minus = shown(r"\operatorname{softmax}(z)_-", sp.exp(zm) / total_exp)
    return (Derivation(-y * sp.log(s_plus) - (1 - y) * sp.log(s_minus),
                       name="ova.two-logit-loss")
            .step(-y * (zp - lse) - (1 - y) * (zm - lse),
                  r"$\log \operatorname{softmax}(z)_k = z_k - L$, $L = \log(e^{z_+} + e^{z_-})$")
            .step(lse - zm - y * (zp - zm), r"collect the terms in $y$")
            .step(sp.log(sp.Mul(sp.exp(zm), 1 + sp.exp(zp - zm), evaluate=False)) - zm
                  - y * (zp - zm), r"$e^{z_+} + e^{z_-} = e^{z_-}(1 + e^{z_+ - z_-})$")
            .step(_two_logit_loss(), r"$\log e^{z_-} = z_-$; $\zeta(t) = \log(1 + e^{t})$"))


@claim("ova.two-logit-grad", chapter="ch09")
def two_logit_grad() -> Derivation:
    r"""d/dz_+ of the two-logit loss is sigma(z_+ - z_-) - y."""
    return (Derivation(sp.Derivative(_two_logit_loss(), zp), name="ova.two-logit-grad")
            .step(shown(r"\sigma(z_+ - z_-) - y", Sigmoid(zp - zm) - y), r"$\zeta' = \sigma$"))


@claim("ova.two-logit-grad-negative", chapter="ch09")
def two_logit_grad_negative() -> Derivation:
    r"""d/dz_- of the two-logit loss is -(sigma(z_+ - z_-) - y)."""
    return (Derivation(sp.Derivative(_two_logit_loss(), zm),
                       name="ova.two-logit-grad-negative")
            .step(shown(r"-\left(\sigma(z_+ - z_-) - y\right)", -(Sigmoid(zp - zm) - y)),
                  r"$\zeta' = \sigma$, inner derivative $-1$"))


@claim("ova.two-logit-update", chapter="ch09")
def two_logit_update() -> Derivation:
    r"""With z_+- = w_+- x and g = sigma(z_+ - z_-) - y, one gradient step of size eta
    changes w_+ - w_- by -2 eta g x: the one-logit step with 2 eta."""
    return (Derivation(shown(r"(w_+ - \eta\, g x) - (w_- + \eta\, g x)",
                             (wp - eta * g * x) - (wm - eta * (-g) * x)),
                       name="ova.two-logit-update")
            .step(shown(r"(w_+ - w_-) - 2\eta\, g x", (wp - wm) - 2 * eta * g * x),
                  r"the gradients in $w_+$ and $w_-$ are $g x$ and $-g x$"))


# ------------------------------------------------------------- softmax vs one-vs-all


@claim("ova.sum-log-loss-grad", chapter="ch09")
def sum_log_loss_grad() -> Derivation:
    r"""d/dz_i sum_k [zeta(z_k) - y_k z_k] = sigma(z_i) - y_i, checked for n = 2..6."""
    return (Derivation(sp.Derivative(total(Softplus(z[j]) - labels[j] * z[j]), z[i]),
                       name="ova.sum-log-loss-grad")
            .step(Sigmoid(z[i]) - labels[i],
                  r"only the term $j = i$ depends on $z_i$; $\zeta' = \sigma$", n=N_RANGE))


@claim("ova.softmax-below-sigmoid", chapter="ch09")
def softmax_below_sigmoid() -> Derivation:
    r"""sigma(z_i) - softmax(z)_i = e^{z_i} (S_i - 1) / ((e^{z_i} + 1)(e^{z_i} + S_i)),
    with S_i = sum_{j != i} e^{z_j} > 0: positive exactly when S_i > 1."""
    e = sp.exp(zi)
    return (Derivation(Sigmoid(zi) - e / (e + S), name="ova.softmax-below-sigmoid")
            .step(e / (e + 1) - e / (e + S),
                  r"$\sigma(t) = e^{t}/(e^{t} + 1)$; softmax with $S_i = \sum_{j \ne i} e^{z_j}$")
            .step(shown(r"\frac{e^{z_i}\,(S_i - 1)}{(e^{z_i} + 1)(e^{z_i} + S_i)}",
                        e * (S - 1) / ((e + 1) * (e + S))), "common denominator"))


@claim("ova.sufficient-condition", chapter="ch09")
def sufficient_condition() -> Derivation:
    r"""With m = n - 1 other logits z_j = log(1/m) + u_j, u_j >= 0: S_i >= 1 (m = 1..5)."""
    return (Derivation(total(sp.exp(sp.log(1 / m) + u[j]), upper=m),
                       name="ova.sufficient-condition")
            .step(total(sp.exp(u[j]), upper=m) / m, r"$e^{a + b} = e^{a} e^{b}$")
            .step(total(1, upper=m) / m, r"$e^{u_j} \ge 1 + u_j \ge 1$", relation=">=",
                  lemma=EXP_GE_ONE_PLUS_X, n=(m, range(1, 6)))
            .step(sp.Integer(1), "$m$ equal terms"))


# ------------------------------------------------------------------------ multi-label


@claim("multilabel.copies", chapter="ch09")
def multilabel_copies() -> Derivation:
    r"""k one-hot copies (one per label j with y_j = 1) cost k times the soft label y/k.

    The copy for label j costs H(e_j, q) = -log q_j (``ce.one-hot``); the copies together
    cost sum_j y_j (-log q_j).
    """
    return (Derivation(shown(r"\sum_{j=1}^{n} y_j\, H(e_j, q)",
                             total(labels[j] * (-sp.log(q[j])))),
                       name="multilabel.copies")
            .step(shown(r"-\sum_{j=1}^{n} y_j \log q_j", total(labels[j] * (-sp.log(q[j])))),
                  r"$H(e_j, q) = -\log q_j$")
            .step(k * shown(r"H(y/k,\, q)", total(-(labels[j] / k) * sp.log(q[j]))),
                  r"multiply and divide by $k$; $H(p, q) = -\sum_j p_j \log q_j$"))


@claim("multilabel.copies-grad", chapter="ch09")
def multilabel_copies_grad() -> Derivation:
    r"""sum_j y_j (s_i - delta_ij) = k (s_i - y_i / k) when sum_j y_j = k (n = 2..6)."""
    s_i = Softmax(z, i, n)
    return (Derivation(shown(r"\sum_{j=1}^{n} y_j \left(\operatorname{softmax}(z)_i"
                             r" - \delta_{ij}\right)",
                             total(labels[j] * (s_i - sp.KroneckerDelta(i, j)))),
                       name="multilabel.copies-grad",
                       assumptions=sp.Eq(total(labels[j]), k))
            .step(shown(r"\operatorname{softmax}(z)_i \sum_{j=1}^{n} y_j - y_i",
                        s_i * total(labels[j]) - labels[i]),
                  r"$\delta_{ij}$ keeps the term $j = i$", n=N_RANGE)
            .step(k * (s_i - labels[i] / k), r"$\sum_j y_j = k$", n=N_RANGE))


# -------------------------------------------------------------------- label smoothing


@claim("smoothing.decomposition", chapter="ch09")
def smoothing_decomposition() -> Derivation:
    r"""H(t, q) with t = (1 - eps) y + eps u, u = (1/n, ..., 1/n):
    (1 - eps) H(y, q) + eps (log n + KL(u || q))."""
    h_yq = shown(r"H(y, q)", -total(labels[j] * sp.log(q[j])))
    h_uq = shown(r"H(u, q)", -total(sp.log(q[j]) / n))
    kl_uq = shown(r"\mathrm{KL}(u \,\|\, q)", total(sp.log((1 / n) / q[j]) / n))
    return (Derivation(-total(((1 - eps) * labels[j] + eps / n) * sp.log(q[j])),
                       name="smoothing.decomposition")
            .step((1 - eps) * h_yq + eps * h_uq, "the cross-entropy is linear in its target")
            .step((1 - eps) * h_yq + eps * (kl_uq + sp.log(n)),
                  r"$H(u, q) = H(u) + \mathrm{KL}(u \,\|\, q)$ and $H(u) = \log n$"))


@claim("smoothing.optimal-gap", chapter="ch09")
def smoothing_optimal_gap() -> Derivation:
    r"""At softmax(z) = t: z_c - z_j = log(t_c / t_j) = log(1 + n (1 - eps) / eps)."""
    t_c, t_j = 1 - eps + eps / n, eps / n
    return (Derivation(shown(r"\log\frac{1 - \varepsilon + \varepsilon/n}{\varepsilon/n}",
                             sp.log(t_c / t_j)), name="smoothing.optimal-gap")
            .step(sp.log(1 + n * (1 - eps) / eps), r"divide by $\varepsilon / n$"))
