r"""Chapter 5 (Cross-entropy): the checked derivations.

The decomposition :math:`H(p, q) = H(p) + \mathrm{KL}(p \,\|\, q)` and the excess
:math:`H(p, q) - H(p)` as a sum of non-negative gaps (Gibbs); additivity over independent
products; the cross-entropy against a one-hot label, :math:`-\log q_c`, and against a
binary label (the binary cross-entropy); the average negative log-likelihood of a sample
as the cross-entropy of the empirical distribution; the stationary point of the
categorical likelihood (the empirical frequencies) and the gap
:math:`H(\hat p, q) - H(\hat p) = \mathrm{KL}(\hat p \,\|\, q)` that makes it the global
minimum; the gradient :math:`\operatorname{softmax}(z) - \hat p` of the average loss of a
shared-logit model for three classes; the cross-entropy of two Gaussians and its
decomposition into differential entropy plus KL.

Sums over :math:`n` outcomes are symbolic in :math:`n` where SymPy proves them. Steps
that use :math:`\sum_k p_k = 1` or differentiate a sum are checked for concrete sizes and
labelled so (:math:`K = 2..6`, or :math:`n = 2..4` for the products).

Every displayed line is written in the text's order with the heads of
:mod:`lossbook.chains._display` (SymPy's own term order never reaches the reader).

The sources' errors on these topics are in :mod:`lossbook.errata` (``s000``, ``s001``,
``s003``).

References: Heinzer (2020), "On Loss Functions - Part I", section "Cross-Entropy";
flash-card notes (source 001), "cross entropy"; Chen, "Loss Functions", section 2.3;
Cover and Thomas, *Elements of Information Theory* (2006), sections 2.3 and 5.4;
Goodfellow, Bengio and Courville, *Deep Learning* (2016), sections 5.5 and 6.2.1.
"""

from __future__ import annotations

import sympy as sp

from .. import symbolic as sym
from ..derivation import Derivation, claim
from ._display import Abbrev, Dot, InOrder, Paren, SoftmaxAt, Times
from .ch03_divergence import Gap, Normal, kl_gaussians_closed_form
from .ch09_one_vs_all import shown

n, i = sym.N, sym.K
k = sym.K
j = sp.Symbol("j", integer=True)
c = sp.Symbol("c", integer=True, positive=True)
r = sp.Symbol("r", integer=True, nonnegative=True)
K = sp.Symbol("K", integer=True, positive=True)
p = sym.probabilities("p")
q = sym.probabilities("q")
counts = sp.IndexedBase("N", positive=True)
N = sp.Symbol("N", positive=True)
lam = sp.Symbol("lambda", positive=True)
y, s = sp.symbols("y s", positive=True)
ybar, sbar = sp.symbols(r"\bar{y} \bar{s}", positive=True)
x = sp.Symbol("x", real=True)
mu1, mu2 = sp.symbols("mu_1 mu_2", real=True)
sigma1, sigma2 = sp.symbols("sigma_1 sigma_2", positive=True)

KS = range(2, 7)
PAIRS = range(2, 5)

H_P = r"H(p)"
KL_PQ = r"\mathrm{KL}(p \,\|\, q)"


def total(expr, upper=n, index=i):
    r""":math:`\sum_{index=1}^{upper}` of ``expr`` (unevaluated)."""
    return sp.Sum(expr, (index, 1, upper))


def cross_entropy_sum(a=p, b=q, upper=n, index=i):
    r""":math:`-\sum_{k=1}^{n} a_k \log b_k`, written in that order."""
    return -total(Times(a[index], sp.log(b[index])), upper, index)


def entropy_sum(a=p, upper=n):
    r""":math:`-\sum_k a_k \log a_k`."""
    return cross_entropy_sum(a, a, upper)


def kl_sum(a=p, b=q, upper=n):
    r""":math:`\sum_k a_k \log(a_k / b_k)`."""
    return total(Times(a[i], sp.log(a[i] / b[i])), upper)


# ---------------------------------------------------------------------------
# the decomposition


@claim("ce.decomposition", chapter="ch05")
def ce_decomposition() -> Derivation:
    r"""H(p, q) = H(p) + KL(p || q), for every n."""
    return (Derivation(cross_entropy_sum(), name="ce.decomposition")
            .step(-total(Times(p[i], sp.log(Dot(p[i], q[i] / p[i])))),
                  r"$q_k = p_k \cdot (q_k/p_k)$")
            .step(InOrder(entropy_sum(), -total(Times(p[i], sp.log(q[i] / p[i])))),
                  r"$\log(ab) = \log a + \log b$")
            .step(InOrder(entropy_sum(), kl_sum()), r"$-\log(q_k/p_k) = \log(p_k/q_k)$")
            .step(InOrder(shown(H_P, entropy_sum()), shown(KL_PQ, kl_sum())),
                  "the definitions"))


@claim("ce.excess-gaps", chapter="ch05")
def ce_excess_gaps() -> Derivation:
    r"""H(p, q) - H(p) = sum_k p_k f(q_k / p_k) with f(u) = u - 1 - log u >= 0.

    The excess of the cross-entropy over the entropy is KL(p || q); adding the zero
    sum_k (q_k - p_k) (both distributions sum to 1; checked for n = 2..6) writes it as a
    p-weighted sum of gaps f, each >= 0 and zero only at q_k = p_k (``kl.log-bound`` and
    ``kl.log-bound-equality`` of chapter 3). So H(p, q) >= H(p), with equality only at
    q = p.
    """
    ratio = q[i] / p[i]
    return (Derivation(InOrder(cross_entropy_sum(), -entropy_sum()), name="ce.excess-gaps",
                       assumptions=[sym.sums_to_one(p, n), sym.sums_to_one(q, n)])
            .step(-total(Times(p[i], Paren(InOrder(sp.log(q[i]), -sp.log(p[i]))))),
                  "one sum")
            .step(-total(Times(p[i], sp.log(ratio))), r"$\log a - \log b = \log(a/b)$")
            .step(total(Times(p[i], Paren(InOrder(ratio, -1, -sp.log(ratio))))),
                  r"add $\sum_k (q_k - p_k) = 1 - 1 = 0$", n=(n, KS))
            .step(total(Times(p[i], Gap(ratio))), r"$f(u) = u - 1 - \log u$"))


# ---------------------------------------------------------------------------
# independent products

pa, qa = sym.probabilities("p"), sym.probabilities("q")
ra, sa = sym.probabilities("r"), sym.probabilities("s")


@claim("ce.product-additive", chapter="ch05")
def ce_product_additive() -> Derivation:
    r"""H(p x r, q x s) = H(p, q) + H(r, s) for product distributions.

    (p x r)(k, j) = p_k r_j: the target is a pair of independent components with
    distributions p (index k) and r (index j), the model a pair with distributions q and
    s. Both factors have n outcomes (the same n keeps the check simple; the chapter
    checks a 2 x 3 pair numerically). The last two steps use sum_k p_k = sum_j r_j = 1
    and are checked for n = 2..4, for every value of the probabilities.
    """
    def both(body):
        return sp.Sum(InOrder(sp.Sum(body, (j, 1, n))), (i, 1, n))

    first = cross_entropy_sum(pa, qa)
    second = cross_entropy_sum(ra, sa, index=j)
    return (Derivation(-both(Times(pa[i], ra[j], sp.log(Times(qa[i], sa[j])))),
                       name="ce.product-additive",
                       assumptions=[sym.sums_to_one(pa, n), sym.sums_to_one(ra, n, k=j)])
            .step(-both(Times(pa[i], ra[j], Paren(InOrder(sp.log(qa[i]), sp.log(sa[j]))))),
                  "the log of a product is a sum")
            .step(InOrder(-Times(Paren(sp.Sum(ra[j], (j, 1, n))), -first),
                          -Times(Paren(total(pa[i])), -second)),
                  "split the double sum", n=(n, PAIRS))
            .step(InOrder(first, second), r"$\sum_j r_j = \sum_k p_k = 1$", n=(n, PAIRS))
            .step(InOrder(shown(r"H(p, q)", first), shown(r"H(r, s)", second)),
                  "the definitions"))


# ---------------------------------------------------------------------------
# labels


@claim("ce.one-hot", chapter="ch05")
def ce_one_hot() -> Derivation:
    r"""With y_i = [i = c] (a one-hot label), -sum_i y_i log q_i = -log q_c.

    The number of classes is written n = c + r (r >= 0) so that c <= n holds by
    construction; the identity is then symbolic in c and r.
    """
    return (Derivation(-total(Times(sp.KroneckerDelta(c, i), sp.log(q[i])), c + r),
                       name="ce.one-hot")
            .step(-sp.log(q[c]), r"only the term $k = c$ survives"))


@claim("ce.binary", chapter="ch05")
def ce_binary() -> Derivation:
    r"""Binary cross-entropy = binary entropy + binary KL, for p = (y, 1 - y), q = (s, 1 - s).

    The two-class case of the decomposition, with a soft label y in (0, 1). The
    complements are written ybar = 1 - y and sbar = 1 - s (positive symbols), so that
    SymPy may split their logarithms; the identity needs no other property of them.
    """
    return (Derivation(InOrder(-Times(y, sp.log(s)), -Times(ybar, sp.log(sbar))),
                       name="ce.binary")
            .step(InOrder(-Times(y, sp.log(y)), -Times(ybar, sp.log(ybar)),
                          Times(y, sp.log(y / s)), Times(ybar, sp.log(ybar / sbar))),
                  r"$\log s = \log y - \log(y/s)$, the same for $\bar s = 1 - s$"))


# ---------------------------------------------------------------------------
# maximum likelihood


@claim("ce.empirical-nll", chapter="ch05")
def ce_empirical_nll() -> Derivation:
    r"""The average negative log-likelihood of N samples with class counts N_k.

    Grouping the N factors of the likelihood by class gives prod_k q_k^{N_k}; the
    average of -log q over the sample is then the cross-entropy H(p_hat, q) of the
    empirical distribution p_hat_k = N_k / N.
    """
    return (Derivation(-sp.log(sp.Product(q[k] ** counts[k], (k, 1, K))) / N,
                       name="ce.empirical-nll")
            .step(-total(Times(counts[k], sp.log(q[k])), K, k) / N,
                  r"$\log \prod = \sum \log$, $\log q^{N_k} = N_k \log q$")
            .step(-total(Times(counts[k] / N, sp.log(q[k])), K, k),
                  r"$\hat p_k = N_k / N$"))


def _lagrangian():
    return InOrder(total(Times(counts[k], sp.log(q[k])), K, k),
                   -Times(lam, Paren(InOrder(total(q[k], K, k), -1))))


@claim("ce.categorical-mle", chapter="ch05")
def ce_categorical_mle() -> Derivation:
    r"""dL/dq_1 = N_1/q_1 - lambda for the categorical log-likelihood, checked for K = 2..6.

    L = sum_k N_k log q_k - lambda (sum_k q_k - 1). Every coordinate alike: the
    stationary point is q_k = N_k / lambda, and sum_k q_k = 1 gives lambda = N.
    """
    return (Derivation(_lagrangian(), name="ce.categorical-mle")
            .step(InOrder(counts[1] / q[1], -lam),
                  r"$\partial_{q_1} N_1 \log q_1 = N_1/q_1$; the other terms are constant",
                  relation="d/dx", wrt=q[1], n=(K, KS)))


@claim("ce.mle-gap", chapter="ch05")
def ce_mle_gap() -> Derivation:
    r"""H(p_hat, q) - H(p_hat, p_hat) = KL(p_hat || q) >= 0: the frequencies are the minimum."""
    return (Derivation(InOrder(cross_entropy_sum(), -entropy_sum()), name="ce.mle-gap")
            .step(total(Times(p[i], Paren(InOrder(sp.log(p[i]), -sp.log(q[i]))))),
                  "one sum")
            .step(kl_sum(), r"$\log a - \log b = \log(a/b)$"))


# the shared-logit model of the chapter's experiment, for three classes
z1, z2, z3 = sp.symbols("z_1 z_2 z_3", real=True)
ph1, ph2, ph3 = sp.symbols(r"\hat{p}_1 \hat{p}_2 \hat{p}_3", positive=True)
ZS, PHAT = (z1, z2, z3), (ph1, ph2, ph3)


def _q(index):
    r""":math:`q_k = \operatorname{softmax}(z)_k`, shown as :math:`q_k`."""
    return Abbrev(sp.Symbol(f"q_{index}"), SoftmaxAt(index, *ZS))


@claim("ce.shared-logit-grad", chapter="ch05")
def ce_shared_logit_grad() -> Derivation:
    r"""d/dz_1 of H(p_hat, softmax(z)) = softmax(z)_1 - p_hat_1, for three classes.

    The average loss of a model that gives every sample the same logits z is
    H(p_hat, q) with q = softmax(z) (``ce.empirical-nll``). Written out for K = 3 with
    sum_k p_hat_k = 1; the general K is ``ce.softmax-grad`` of chapter 7.
    """
    expsum = Abbrev(sp.Symbol("S"), InOrder(*(sp.exp(v) for v in ZS)))
    loss = InOrder(*(-Times(ph, sp.log(_q(idx + 1))) for idx, ph in enumerate(PHAT)))
    return (Derivation(loss, name="ce.shared-logit-grad",
                       assumptions=sp.Eq(ph1 + ph2 + ph3, 1))
            .step(InOrder(*(-Times(ph, Paren(InOrder(v, -sp.log(expsum))))
                            for ph, v in zip(PHAT, ZS, strict=True))),
                  r"$\log q_k = z_k - \log S$, $S = e^{z_1} + e^{z_2} + e^{z_3}$")
            .step(InOrder(sp.log(expsum), *(-Times(ph, v) for ph, v in zip(PHAT, ZS,
                                                                          strict=True))),
                  r"$\hat p_1 + \hat p_2 + \hat p_3 = 1$")
            .step(InOrder(sp.exp(z1) / expsum, -ph1), r"differentiate in $z_1$: "
                  r"$\partial S / \partial z_1 = e^{z_1}$",
                  relation="d/dx", wrt=z1)
            .step(InOrder(_q(1), -ph1), r"definition of the softmax"))


# ---------------------------------------------------------------------------
# continuous: two Gaussians


def ce_gaussians_closed_form():
    r"""log(2 pi sigma_2^2)/2 + (sigma_1^2 + (mu_1 - mu_2)^2) / (2 sigma_2^2), a plain
    SymPy expression (for ``lambdify``; the chains show :func:`_ce_gaussians_shown`)."""
    return (sp.log(2 * sp.pi * sigma2**2) / 2
            + (sigma1**2 + (mu1 - mu2) ** 2) / (2 * sigma2**2))


def _ce_gaussians_shown():
    """The closed form in the text's order (display heads)."""
    return InOrder(sp.log(2 * sp.pi * sigma2**2) / 2,
                   InOrder(sigma1**2, InOrder(mu1, -mu2) ** 2) / (2 * sigma2**2))


@claim("ce.gaussian", chapter="ch05")
def ce_gaussian() -> Derivation:
    r"""H(N(mu_1, sigma_1^2), N(mu_2, sigma_2^2)) = -E_p[log q(X)] in closed form."""
    p1, p2 = Normal(x, mu1, sigma1), Normal(x, mu2, sigma2)
    line = (x, -sp.oo, sp.oo)
    return (Derivation(-sp.Integral(Times(p1, sp.log(p2)), line), name="ce.gaussian")
            .step(sp.Integral(Times(p1, Paren(InOrder(
                sp.log(2 * sp.pi * sigma2**2) / 2,
                InOrder(x, -mu2) ** 2 / (2 * sigma2**2)))), line),
                  r"$-\log q(x) = \frac{1}{2}\log(2\pi\sigma_2^2) + (x-\mu_2)^2/(2\sigma_2^2)$")
            .step(_ce_gaussians_shown(),
                  r"$\int p = 1$, $E_p[(X-\mu_2)^2] = \sigma_1^2 + (\mu_1-\mu_2)^2$"))


@claim("ce.gaussian-decomposition", chapter="ch05")
def ce_gaussian_decomposition() -> Derivation:
    r"""h(p) + KL(p || q) for two Gaussians equals their cross-entropy.

    h(p) = log(2 pi e sigma_1^2) / 2 is the differential entropy of a Gaussian, and the
    KL divergence is the closed form ``kl_gaussians_closed_form`` of chapter 3.
    """
    h = sp.log(Times(2, sp.pi, sp.E, sigma1**2)) / 2
    spread = InOrder(sigma1**2, InOrder(mu1, -mu2) ** 2) / (2 * sigma2**2)
    return (Derivation(InOrder(shown(r"h(p)", h), shown(KL_PQ, kl_gaussians_closed_form())),
                       name="ce.gaussian-decomposition")
            .step(InOrder(h, sp.log(sigma2 / sigma1), spread, -sp.Rational(1, 2)),
                  r"write out $h(p)$ and $\mathrm{KL}(p \,\|\, q)$ in closed form")
            .step(InOrder(sp.log(2 * sp.pi * sigma1**2) / 2, sp.log(sigma2 / sigma1), spread),
                  r"$\log e = 1$: the $\frac{1}{2}$ and $-\frac{1}{2}$ cancel")
            .step(_ce_gaussians_shown(),
                  r"$\frac{1}{2}\log\sigma_1^2 + \log(\sigma_2/\sigma_1)"
                  r" = \frac{1}{2}\log\sigma_2^2$"))


# ---------------------------------------------------------------------------
# a model with an input: the conditional decomposition

a_ = sp.Symbol("a", integer=True, positive=True)        # index of the input value x_a
# the check is for these sizes only (SymPy does not regroup a symbolic double sum)
M_IN, K_CLS = 2, 3
pi_x = sp.IndexedBase(r"\hat\pi", positive=True)        # p_hat(x_a)
p_cond = sp.IndexedBase(r"\hat p", positive=True)       # p_hat(k | x_a)
q_cond = sp.IndexedBase("q", positive=True)             # q_theta(k | x_a)

H_COND = r"H_{\hat p}(Y \mid X)"
EKL_COND = (r"\mathbb{E}_{x \sim \hat p}\, \mathrm{KL}\bigl(\hat p(\cdot \mid x)"
            r" \,\|\, q_\theta(\cdot \mid x)\bigr)")


def _over_inputs(body):
    r""":math:`\sum_{a=1}^{2} \hat\pi_a \cdot` ``body`` (``body`` a sum over k)."""
    return sp.Sum(Times(pi_x[a_], Paren(body)), (a_, 1, M_IN))


@claim("ce.conditional-decomposition", chapter="ch05")
def ce_conditional_decomposition() -> Derivation:
    r"""The average loss of a conditional model = H_phat(Y | X) + E_x KL(phat(.|x) || q(.|x)).

    An input takes the values x_1, ..., x_M with empirical frequencies pi_a; the labels
    seen with x_a have empirical distribution phat(k | x_a) on K classes, and the model
    predicts q_theta(k | x_a). Grouping the sample by its pairs (x_a, k), as in
    ``ce.empirical-nll``, the average negative log-likelihood -(1/N) sum_j
    log q_theta(y_j | x_j) is the first line. Checked for M = 2 input values and K = 3
    classes (every value of the probabilities), not for general M and K.
    """
    inner_ce = -sp.Sum(Times(p_cond[a_, k], sp.log(q_cond[a_, k])), (k, 1, K_CLS))
    inner_h = -sp.Sum(Times(p_cond[a_, k], sp.log(p_cond[a_, k])), (k, 1, K_CLS))
    inner_kl = sp.Sum(Times(p_cond[a_, k], sp.log(p_cond[a_, k] / q_cond[a_, k])),
                      (k, 1, K_CLS))
    h_cond = _over_inputs(inner_h)
    ekl = _over_inputs(inner_kl)
    first = -sp.Sum(sp.Sum(Times(pi_x[a_], p_cond[a_, k], sp.log(q_cond[a_, k])),
                           (k, 1, K_CLS)), (a_, 1, M_IN))
    return (Derivation(first, name="ce.conditional-decomposition")
            .step(_over_inputs(inner_ce), r"take $\hat\pi_a$ out of the sum over $k$")
            .step(_over_inputs(InOrder(inner_h, inner_kl)),
                  r"$\log q = \log \hat p - \log(\hat p / q)$, in every term")
            .step(InOrder(shown(H_COND, h_cond), shown(EKL_COND, ekl)),
                  "the definitions"))
