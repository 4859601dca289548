r"""Errata of source 000: Heinzer, "On Loss Functions - Part I" (2020).

The entries for the topics of chapters 6-7 (sigmoid loss, softmax) are in
``ch06.py``/``ch07.py``, written with those chapters. Each ``check`` returns True iff
the source's version, with the assumptions the source states, is refuted (a value at a
point, a limit, a shape) and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import sympy as sp

from ..chains import ch02_distance, ch03_divergence
from ..symbolic import sigmoid, softplus
from ._checks import agree, differ, refuted

x = sp.Symbol("x", real=True)
u = sp.Symbol("u", positive=True)
HALF = sp.Rational(1, 2)


# ------------------------------------------------------------ Basic concepts and notation

def log_sigmoid_sign(stated=None) -> bool:
    # -log sigma(x) is positive for every real x, -zeta(-x) negative; at x = 0 they are
    # log 2 and -log 2. The correction -log sigma(x) = zeta(-x) holds there, at 3 and -5.
    stated = -softplus(-x) if stated is None else stated
    return all(refuted(stated, softplus(-x), -sp.log(sigmoid(x)), {x: v})
               for v in (0, 3, -5))


def mle_argmax_equals_product() -> bool:
    # Bernoulli flips 1, 1, 0: the likelihood u^2 (1 - u) is maximal at u = 2/3, where it
    # is 4/27. The source's chain "theta = argmax ... = prod" makes 2/3 equal to 4/27;
    # the same for the log form (2/3 against log 4/27). The correction compares argmaxes:
    # the maximiser of the product and of the sum of logs is the same 2/3.
    lik = u**2 * (1 - u)
    loglik = 2 * sp.log(u) + sp.log(1 - u)
    crit = sp.solve(sp.diff(lik, u), u)
    crit_log = sp.solve(sp.diff(loglik, u), u)
    argmax = sp.Rational(2, 3)
    return (crit == [argmax] and crit_log == [argmax]
            and differ(argmax, lik.subs(u, argmax)) and differ(argmax, loglik.subs(u, argmax)))


def equals_means_both_implications() -> bool:
    # "=" is said to mean "=> and <=". Implication joins statements; between numbers it
    # has only the truth-value reading (nonzero is true, as in Python and SymPy), and
    # then the rule makes 2 = 3 true: 2 => 3 and 3 => 2 both hold. Equality of values
    # (the correction) says 2 = 3 is false and x = exp(log x) is true for x = 2.
    def implies(a, b):
        return (not bool(a)) or bool(b)

    def source_equal(a, b):
        return implies(a, b) and implies(b, a)

    two = sp.Integer(2)
    return (source_equal(2, 3) and not sp.Eq(2, 3)
            and sp.Eq(two, sp.exp(sp.log(two))) is sp.true)


def squaring_increasing_on_reals() -> bool:
    # Squaring is called "a strictly increasing transformation" (defined in the source as
    # f: R -> R with x < y => f(x) < f(y)). On R it is not: -2 < 1 but 4 > 1. On
    # [0, oo), where distances lie, its derivative 2t is positive for t > 0.
    t = sp.Symbol("t", positive=True)
    return (-2 < 1) and not ((-2) ** 2 < 1**2) and bool(sp.diff(t**2, t).is_positive)


# ------------------------------------------------------ L2 norm and linear regression


def no_unique_solution() -> bool:
    # "once n > m ... there is no unique solution anymore" suggests several exact
    # solutions; in general there is none. X = [[1, 0], [1, 1], [1, 2]], y = (1, 3, 4):
    # X beta = y has an empty solution set, while the least-squares minimiser is unique
    # (X has rank 2).
    X = sp.Matrix([[1, 0], [1, 1], [1, 2]])
    y = sp.Matrix([1, 3, 4])
    b1, b2 = sp.symbols("b1 b2")
    unique_ls = sp.linsolve((X.T * X, X.T * y), b1, b2)
    return (sp.linsolve((X, y), b1, b2) == sp.EmptySet and X.rank() == 2
            and len(unique_ls) == 1)


def linear_loss_not_zero_at_target(stated=(x, x**2)) -> bool:
    # "l(x) = x" and "l(x) = x^2" are said to satisfy l(x_T) = 0; with x_T = 1 (the
    # source's plot) both give 1. |x - x_T| and (x - x_T)^2 give 0.
    x_t = 1
    return (all(differ(loss, 0, {x: x_t}) for loss in stated)
            and all(agree(loss, 0, {x: x_t}) for loss in (abs(x - x_t), (x - x_t) ** 2)))


# ------------------------------------------------------------------------- Divergence

def divergence_codomain(codomain=sp.Reals) -> bool:
    # D : S x S -> R. For p = (1/2, 1/2) and q = (1, 0) the KL term of the second outcome
    # tends to +oo: KL takes a value outside R, inside [0, oo].
    qq = sp.Symbol("q", positive=True)
    value = sp.limit(HALF * sp.log(HALF / qq), qq, 0, "+")
    return value is sp.oo and not _in_extended(value, codomain)


def _in_extended(value, codomain) -> bool:
    """Membership of a value (possibly +oo) in a set of the extended reals."""
    if codomain == "[0, oo]":
        return bool(value is sp.oo or (value.is_real and value >= 0))
    return bool(value in codomain)


# ----------------------------------------------------------------------------- Entropy

def information_base(information=lambda p: -sp.log(p)) -> bool:
    # I(x) = -log p(x) with the natural log (the stated default) and H_b(p) = E(I(X))
    # for any b: for a fair coin and b = 2, H_2 = 1 bit but E(I(X)) = log 2.
    def expected(info):
        return 2 * HALF * info(HALF)

    h2 = -2 * HALF * sp.log(HALF, 2)
    return refuted(expected(information), expected(lambda p: -sp.log(p) / sp.log(2)), h2)


# ----------------------------------------------------------------------- Cross-Entropy

def ce_roles_swapped(events_from="q") -> bool:
    # "bits to represent an event from q instead of p": events drawn from q with a code
    # for p is H(q, p); the cross-entropy H(p, q) draws from p and codes for q. For
    # p = (1/2, 1/2), q = (1/10, 9/10) the two differ (and so do the two KL readings).
    p = (HALF, HALF)
    q = (sp.Rational(1, 10), sp.Rational(9, 10))

    def ce(a, b):
        return -sum(ai * sp.log(bi, 2) for ai, bi in zip(a, b, strict=True))

    def kl(a, b):
        return sum(ai * sp.log(ai / bi, 2) for ai, bi in zip(a, b, strict=True))

    h_pq = ce(p, q)  # by definition, -sum p log q
    if events_from == "q":  # the source's reading: H(q, p) and KL(q || p)
        return differ(ce(q, p), h_pq) and differ(kl(q, p), kl(p, q))
    return differ(ce(p, q), h_pq) and differ(kl(p, q), kl(p, q))


ERRATA = [
    dict(
        id="000-log-sigmoid-sign",
        source="000",
        section="Basic concepts and notation",
        stated=r"The log sigmoid is softplus: $$ -\log(\sigma(x)) = - \zeta(-x)$$",
        correction=r"$-\log\sigma(x) = \zeta(-x)$, equivalently $\log\sigma(x) = -\zeta(-x)$: "
                   r"the log-sigmoid is minus the softplus of $-x$ (at $x = 0$ the source's "
                   r"two sides are $\log 2$ and $-\log 2$).",
        grade="meaning",
        chapter="ch01",
        claim="log-sigmoid.softplus",
        check=log_sigmoid_sign,
    ),
    dict(
        id="000-mle-argmax-equals-product",
        source="000",
        section="Basic concepts and notation",
        stated=r"$$\theta = \text{argmax}_{\theta} p_{\theta}(x) = \prod_{i=1}^n "
               r"p_{\theta}(x_i)$$ … $$\theta = \text{argmax}_{\theta} \log(p_{\theta}(x)) = "
               r"\sum_{i=1}^n \log(p_{\theta}(x_i))$$",
        correction=r"$\hat\theta = \arg\max_\theta \prod_{i=1}^n p_\theta(x_i) = \arg\max_\theta"
                   r" \sum_{i=1}^n \log p_\theta(x_i)$: the argmax is a parameter, the product "
                   r"a likelihood (for the flips 1, 1, 0 they are $2/3$ and $4/27$).",
        grade="typo",
        chapter="ch01",
        claim="mle.bernoulli-maximiser",
        check=mle_argmax_equals_product,
    ),
    dict(
        id="000-equals-means-implications",
        source="000",
        section="Basic concepts and notation",
        stated=r"In mathematics, when writing simply $$=$$ means that the left side implies "
               r"the right (denoted by $$\Rightarrow$$) and right side the left (denoted by "
               r"$$\Leftarrow$$), at the same time.",
        correction=r"$a = b$ says two objects are the same (equal values); "
                   r"$\Leftrightarrow$ joins two statements that imply each other. The "
                   r"equation $x^2 = 4$ does not imply $x = 2$ (take $x = -2$).",
        grade="typo",
        chapter="ch01",
        claim=None,
        check=equals_means_both_implications,
    ),
    dict(
        id="000-squaring-increasing",
        source="000",
        section="L2 norm and linear regression",
        stated=r"Notice that we are trying to minimize the square of the Euclidean distance, "
               r"this will not change the minimization result because it is a strictly "
               r"increasing transformation.",
        correction=r"Squaring is not increasing on $\mathbb{R}$ ($-2 < 1$ but $4 > 1$), the "
                   r"domain the source's definition requires; it is strictly increasing on "
                   r"$[0, \infty)$, where distances lie, and that is what keeps the minimiser.",
        grade="typo",
        chapter="ch02",
        claim="distance.loss-properties",
        check=squaring_increasing_on_reals,
    ),
    dict(
        id="000-ls-gradient-first-line",
        source="000",
        section="L2 norm and linear regression",
        stated=r"\frac{\partial((X\beta y)^T(X\beta -y))}{\partial \beta}",
        correction=r"$\partial\big((X\beta - y)^\top(X\beta - y)\big)/\partial\beta$; the "
                   r"source's $X\beta\,y$ multiplies two columns, which is undefined.",
        grade="typo",
        chapter="ch02",
        claim="least-squares.gradient",
        check=ch02_distance._source_first_line,
    ),
    dict(
        id="000-ls-expansion-sign",
        source="000",
        section="L2 norm and linear regression",
        stated=r"\frac{\partial(\beta^TX^TX\beta - \beta^TX^Ty-y^TX\beta -y^Ty)}{\partial \beta}",
        correction=r"$\beta^\top X^\top X\beta - \beta^\top X^\top y - y^\top X\beta + y^\top y$:"
                   r" the square of $-y$ gives $+y^\top y$ (the next line is not affected, the "
                   r"term does not depend on $\beta$).",
        grade="typo",
        chapter="ch02",
        claim="least-squares.gradient",
        check=ch02_distance._source_expansion_sign,
    ),
    dict(
        id="000-ls-row-minus-column",
        source="000",
        section="L2 norm and linear regression",
        stated=r"2X^TX\beta -X^Ty -y^TX - 0",
        correction=r"$2X^\top X\beta - X^\top y - X^\top y = 2X^\top X\beta - 2X^\top y$: the "
                   r"gradient of $y^\top X\beta$ is the column $X^\top y$; the source's "
                   r"$X^\top y - y^\top X$ subtracts a row from a column.",
        grade="typo",
        chapter="ch02",
        claim="least-squares.gradient",
        check=ch02_distance._source_row_minus_column,
    ),
    dict(
        id="000-ls-no-unique-solution",
        source="000",
        section="L2 norm and linear regression",
        stated=r"However once we have $$n > m$$, or more data than variables, there is no "
               r"unique solution anymore.",
        correction=r"With $n > m$ the system $X\beta = y$ has in general no solution at all; "
                   r"the least-squares minimiser exists always and is unique iff "
                   r"$\operatorname{rank} X = m$.",
        grade="meaning",
        chapter="ch02",
        claim="least-squares.normal-equations",
        check=no_unique_solution,
    ),
    dict(
        id="000-linear-loss-not-zero",
        source="000",
        section="Intuitive properties of cross-entropy",
        stated=r"For example the linear $$ l_{x_T}(x)=x$$ or the quadratic $$ l_{x_T}(x) = "
               r"x^2$$ loss do.",
        correction=r"$l_{x_T}(x) = |x - x_T|$ and $l_{x_T}(x) = (x - x_T)^2$ have the three "
                   r"properties; $x$ and $x^2$ do not vanish at the source's own $x_T = 1$.",
        grade="meaning",
        chapter="ch02",
        claim="distance.loss-properties",
        check=linear_loss_not_zero_at_target,
    ),
    dict(
        id="000-divergence-codomain",
        source="000",
        section="Divergence",
        stated=r"$$D : S \times S \longrightarrow \mathbb{R}$$",
        correction=r"$D : S \times S \to [0, \infty]$: $\mathrm{KL}(p\,\|\,q) = \infty$ when "
                   r"$q(x) = 0 < p(x)$.",
        grade="meaning",
        chapter="ch03",
        claim="kl.infinite-support",
        ref="sec-kl-support",
        check=divergence_codomain,
    ),
    dict(
        id="000-kl-unclosed-bracket",
        source="000",
        section="Kullback-Leibler Divergence",
        stated=r"\sum_{x \in X} p(x) (\log(p(x)) - \log(q(x))",
        correction=r"$\sum_{x} p(x)\big(\log p(x) - \log q(x)\big)$, the bracket closed after "
                   r"$\log q(x)$.",
        grade="typo",
        chapter="ch03",
        claim="kl.log-difference",
        check=ch03_divergence._source_unbalanced_bracket,
    ),
    dict(
        id="000-entropy-information-base",
        source="000",
        section="Entropy",
        stated=r"$$H_b(p) := -\sum_{x \in X} p(x) \log_b(p(x)) = E(I(X))$$",
        correction=r"$H_b(p) = E\big(I_b(X)\big)$ with $I_b(x) = -\log_b p(x) = I(x)/\log b$; "
                   r"with the natural-log $I$ of the source, $E(I(X))$ is $H_e$ (a fair coin: "
                   r"1 bit, but $\log 2$ nats).",
        grade="typo",
        chapter="ch04",
        claim="entropy.base-change",
        check=information_base,
    ),
    dict(
        id="000-ce-roles-swapped",
        source="000",
        section="Cross-Entropy",
        stated=r"Cross-Entropy: Average number of total bits to represent an event from $$q$$ "
               r"instead of $$p$$. … Relative-Entropy: Average number of extra bits to "
               r"represent an event from $$q$$ instead of $$p$$.",
        correction=r"$H(p, q)$ is the average code length (in bits with $\log_2$) of events "
                   r"drawn from $p$ under a code built for $q$; $\mathrm{KL}(p\,\|\,q)$ the "
                   r"extra length. Read as stated the two are $H(q, p)$ and "
                   r"$\mathrm{KL}(q\,\|\,p)$, which differ.",
        grade="meaning",
        chapter="ch05",
        claim="ce.decomposition",
        check=ce_roles_swapped,
    ),
]
