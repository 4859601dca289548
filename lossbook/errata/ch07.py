r"""Errata met in chapter 7 (softmax and multi-class cross-entropy), one checked entry each.

Each ``check`` returns True iff the source's statement is refuted (a value at a point that
satisfies the source's assumptions, a limit, or a malformed formula) and the correction
agrees with the truth. See :mod:`lossbook.errata` for the schema. Source 000 calls the
logits :math:`y`, source 001 :math:`Z` (or :math:`z`) and its probabilities
:math:`\hat y`, source 002 :math:`\mathbf z` and :math:`\tilde{\mathbf y}`.
"""

from __future__ import annotations

import sympy as sp

from ..chains.ch07_softmax import N_RANGE, _lse_with_gap, _sum, i, j, k, m, s_, t, z
from ..derivation import Derivation, rejects
from ..symbolic import sigmoid, softmax
from ._checks import agree, differ

Z3 = sp.symbols("z_1:4", real=True)
#: a point where no two logits are equal
POINT = {Z3[0]: sp.Rational(1, 2), Z3[1]: -1, Z3[2]: 2}


def lse_max_exp() -> bool:
    # 000: log sum_k exp(y_k) ~ max_k exp(x_k). With the largest entry m and the others t
    # below it, log-sum-exp minus e^m tends to m - e^m, never 0 (the chain's limit check
    # computes it); minus m it tends to 0 (the claim lse.max-limit).
    return rejects(lambda: Derivation(_lse_with_gap()).step(
        sp.exp(m), "as stated in the source", relation="~", limit=(t, sp.oo), n=N_RANGE))


def lse_term_saturation() -> bool:
    # 000: "the last term [log-sum-exp] depends directly on y_i ... Hence the loss function
    # can not saturate". With two classes and y_2 = 0 the last term's slope in y_1 is s_1,
    # which tends to 0 as y_1 -> -oo and to 1 as y_1 -> +oo: it saturates. The first term
    # -y_1 has slope -1 everywhere.
    y1 = sp.Symbol("y_1", real=True)
    slope = sp.diff(sp.log(sp.exp(y1) + 1), y1)
    return bool(sp.limit(slope, y1, -sp.oo) == 0 and sp.limit(slope, y1, sp.oo) == 1
                and sp.diff(-y1, y1) == -1)


def softmax_loss_softplus() -> bool:
    # 000: when the true class i has the largest logit, "the loss simplifies to
    # zeta(y_i) - y_i ~ 0". For y = (-10, -20), i = 1, the loss log-sum-exp - y_1 is
    # log(1 + e^-10) = 4.5e-5 but zeta(y_1) - y_1 = zeta(10) = 10.00005.
    loss = sp.log(sp.exp(-10) + sp.exp(-20)) + 10
    stated = sp.log(1 + sp.exp(-10)) + 10
    return bool(differ(stated, loss) and agree(loss, sp.log(1 + sp.exp(-10)))
                and sp.N(loss) < 1e-4 < 10 < sp.N(stated))


def brackets_balance(tex: str) -> int:
    """Opening minus closing round brackets of a formula (``\\big(`` counts as one)."""
    return tex.count("(") - tex.count(")")


#: The first two lines of 000's softmax derivation, as written.
SOFTMAX_LINES_000 = (r"\log\big(\hat{P}(z=i \mid x))\big) &= y_i",
                     r"\hat{P}(z=i \mid x)) &= \exp(y_i)")


def softmax_notation() -> bool:
    # Each of the two lines closes one round bracket more than it opens.
    corrected = (r"\log \hat{P}(z=i \mid x) &= y_i", r"\hat{P}(z=i \mid x) &= \exp(y_i)")
    return (all(brackets_balance(line) == -1 for line in SOFTMAX_LINES_000)
            and all(brackets_balance(line) == 0 for line in corrected))


def sigmoid_no_shift() -> bool:
    # 000: shift invariance "does not apply to the sigmoid function". It does:
    # sigma(x) = softmax(x, 0)_1; shifting the pair by any a leaves it unchanged, and the
    # shifts a = x and a = 0 give exactly the two forms the source lists.
    x, a = sp.symbols("x a", real=True)
    pair = softmax([x - a, -a])[0]
    return bool(sp.simplify(pair - sigmoid(x)) == 0
                and sp.simplify(pair.subs(a, x) - 1 / (1 + sp.exp(-x))) == 0
                and sp.simplify(pair.subs(a, 0) - sp.exp(x) / (1 + sp.exp(x))) == 0)


def softmax_opening() -> bool:
    # 001 opens the softmax derivative with the product rule but differentiates
    # (sum)^(-2) where the function is (sum)^(-1). Read as written, at z = (1/2, -1, 2),
    # i = 1, j = 2 the line differs from the derivative; with the power -1 it agrees
    # everywhere.
    total = sp.Add(*[sp.exp(v) for v in Z3])
    zi, zj = Z3[0], Z3[1]

    def product_rule(power):
        return sp.diff(sp.exp(zi), zj) / total + sp.exp(zi) * sp.diff(total ** power, zj)

    truth = sp.diff(sp.exp(zi) / total, zj)
    return bool(differ(product_rule(-2), truth, POINT)
                and sp.simplify(product_rule(-1) - truth) == 0)


def quotient_power() -> bool:
    # 001: the last term divided by (sum)^(-2), i.e. multiplied by (sum)^2.
    total = _sum(sp.exp(z[k]))
    return rejects(lambda: Derivation(sp.Derivative(s_(i), z[j])).step(
        s_(j) * sp.KroneckerDelta(i, j) + (-sp.exp(z[i]) / total**-2) * sp.exp(z[j]),
        "as stated in the source", n=N_RANGE))


def jacobian_swapped() -> bool:
    # 001: d softmax_i / d z_j written as s_j (delta_ij - s_j).
    return rejects(lambda: Derivation(sp.Derivative(s_(i), z[j])).step(
        s_(j) * (sp.KroneckerDelta(i, j) - s_(j)), "as stated in the source", n=N_RANGE))


def final_index() -> bool:
    # 001 ends the gradient with "y_hat_j - y_i", where i was the summation index. Three
    # classes, the one-hot target of class 1, at POINT: for every j the gradient is
    # y_hat_j - y_j, and some reading of the leftover i gives another number.
    s = softmax(list(Z3))
    target = (1, 0, 0)
    loss = -sp.log(s[0])
    ok = True
    for col in range(3):
        grad = sp.diff(loss, Z3[col])
        ok = ok and agree(grad, s[col] - target[col], POINT)
        ok = ok and any(differ(s[col] - target[row], grad, POINT)
                        for row in range(3) if row != col)
    return bool(ok)


def unstated_k_ne_i() -> bool:
    # 002: d y_i / d z_k = -y_i y_k with no condition on k (it treats e^{z_i} as a
    # constant). At POINT it agrees with the derivative for every k != i and differs for
    # every k = i, where the derivative is y_i (1 - y_i).
    s = softmax(list(Z3))
    ok = True
    for row in range(3):
        for col in range(3):
            truth = sp.diff(s[row], Z3[col])
            stated = -s[row] * s[col]
            ok = ok and (differ(stated, truth, POINT) if row == col
                         else agree(stated, truth, POINT))
        ok = ok and agree(sp.diff(s[row], Z3[row]), s[row] * (1 - s[row]), POINT)
    return bool(ok)


_SECTION_MULTI = "Generalizing to multiple classes"

ERRATA = [
    dict(
        id="000-lse-max-exp",
        title="Log-sum-exp approximated by the largest exponential",
        source="000",
        section=_SECTION_MULTI,
        stated=r"$$\log(\sum_{k=1}^n \exp(y_k)) \approx \max_k(\exp(x_k))$$",
        correction=r"$\log \sum_{k=1}^n \exp(y_k) \approx \max_k y_k$ (the maximum of the "
                   r"logits, not of their exponentials, and $y$ throughout): "
                   r"$\max_k y_k \le \log\sum_k e^{y_k} \le \max_k y_k + \log n$.",
        grade="meaning",
        chapter="ch07",
        claim="lse.max-limit",
        ref="sec-logsumexp",
        check=lse_max_exp,
    ),
    dict(
        id="000-lse-term-saturation",
        title="Non-saturation credited to the wrong term",
        source="000",
        section=_SECTION_MULTI,
        stated=r"Notice that the last term depends directly on the value of $$y_i$$, our "
               r"model output. Hence the loss function can not saturate",
        correction=r"It is the first term, $-y_i$, that is linear in the correct logit: its "
                   r"slope is $-1$ whatever the logits, so it cannot saturate. The last "
                   r"term's slope in $y_i$ is $s_i$, which tends to 0 or 1.",
        grade="meaning",
        chapter="ch07",
        claim="ce.log-softmax",
        ref="sec-softmax-saturation",
        check=lse_term_saturation,
    ),
    dict(
        id="000-softmax-loss-softplus",
        title="The softmax loss replaced by a softplus",
        source="000",
        section=_SECTION_MULTI,
        stated=r"then the loss simplifies to $$ \zeta(y_i)- y_i \approx 0$$",
        correction=r"The loss is $\log\sum_k e^{y_k} - y_i$, close to 0 when $y_i$ is much "
                   r"larger than the other logits. $\zeta(y_i) - y_i = \zeta(-y_i)$ is a "
                   r"different number: for $y = (-10, -20)$, $i = 1$, the loss is "
                   r"$4.5 \cdot 10^{-5}$ but $\zeta(y_1) - y_1 = 10.00005$.",
        grade="meaning",
        chapter="ch07",
        claim="ce.log-softmax",
        ref="sec-softmax-saturation",
        check=softmax_loss_softplus,
    ),
    dict(
        id="000-softmax-notation",
        title="Two lines with a bracket too many",
        source="000",
        section=_SECTION_MULTI,
        stated=SOFTMAX_LINES_000[0] + r" \\ " + SOFTMAX_LINES_000[1],
        correction=r"$\log \hat P(z = i \mid x) = y_i$ and $\hat P(z = i \mid x) = "
                   r"\exp(y_i)$: each line closes one bracket more than it opens.",
        grade="typo",
        chapter="ch07",
        claim="ce.log-softmax",
        ref="sec-categorical-model",
        check=softmax_notation,
    ),
    dict(
        id="000-sigmoid-shift",
        title="Shift invariance said not to apply to the sigmoid",
        source="000",
        section="Numerical stability",
        stated=r"This does not apply to the sigmoid function, as it also contains terms "
               r"which are not exponentiated.",
        correction=r"It applies: $\sigma(x) = \operatorname{softmax}(x, 0)_1$ (the 1 in "
                   r"$1 + e^{x}$ is $e^{0}$), and shifting the pair $(x, 0)$ by its maximum "
                   r"gives exactly the two forms the source lists next: "
                   r"$1/(1 + e^{-x})$ for $x \ge 0$, $e^{x}/(1 + e^{x})$ for $x < 0$.",
        grade="meaning",
        chapter="ch07",
        claim="sigmoid.max-shift",
        ref="sec-stable-softmax",
        check=sigmoid_no_shift,
    ),
    dict(
        id="001-softmax-opening",
        title="The product rule with the wrong power",
        source="001",
        section="derivative of the softmax",
        stated=r"\exp{(Z_{i})}\frac{\left(\sum_{k} \exp{(Z_{k})}\right)^{-2}}{\partial Z_j}",
        correction=r"The product rule's second term is $e^{Z_i}\,\partial\bigl(\sum_k "
                   r"e^{Z_k}\bigr)^{-1}/\partial Z_j = -e^{Z_i} e^{Z_j}/\bigl(\sum_k "
                   r"e^{Z_k}\bigr)^{2}$: the function differentiated is the power $-1$ (the "
                   r"$-2$ belongs to its derivative), and the numerator lacks its "
                   r"$\partial$. The first line of the derivation is also repeated verbatim.",
        grade="typo",
        chapter="ch07",
        claim="softmax.jacobian",
        ref="sec-softmax-jacobian",
        check=softmax_opening,
    ),
    dict(
        id="001-softmax-quotient-power",
        title="Divided by the power -2 of the sum",
        source="001",
        section="derivative of the softmax",
        stated=r"\frac{-\exp{(Z_{i})}}{\left(\sum_{k} \exp{(Z_{k})}\right)^{-2}} \exp{(Z_{j})}",
        correction=r"$-\frac{e^{Z_i}\, e^{Z_j}}{(\sum_k e^{Z_k})^{2}}$: divided by the "
                   r"square of the sum, not by its power $-2$ (which multiplies by the "
                   r"square); the next line has the right value $-s_j s_i$.",
        grade="typo",
        chapter="ch07",
        claim="softmax.jacobian",
        ref="sec-softmax-jacobian",
        check=quotient_power,
    ),
    dict(
        id="001-softmax-jacobian-swapped",
        title="The softmax Jacobian with its first index swapped",
        source="001",
        section="relationship to the softmax function",
        stated=r"&=  \hat y_j (\mathrm{I} \left[i=j\right]- \hat y_j)  \\",
        correction=r"$\partial \hat y_i/\partial z_j = \hat y_i(\delta_{ij} - \hat y_j)$: "
                   r"the first factor carries the index $i$ of the output. The two agree on "
                   r"the diagonal only; the gradient derivation that uses the stated form "
                   r"does not arrive at $\hat y_j - y_j$.",
        grade="meaning",
        chapter="ch07",
        claim="softmax.jacobian",
        ref="sec-softmax-jacobian",
        check=jacobian_swapped,
    ),
    dict(
        id="001-softmax-index",
        title="A summation index left in the result",
        source="001",
        section="relationship to the softmax function",
        stated=r"&= \hat y_j - y_i  \\",
        correction=r"$\partial \ell/\partial z_j = \hat y_j - y_j$: after the sum over $i$ "
                   r"no $i$ is left. For three classes, target class 1 and $j = 1$, reading "
                   r"$i = 2$ gives $\hat y_1 - 0$ instead of $\hat y_1 - 1$.",
        grade="typo",
        chapter="ch07",
        claim="ce.jacobian-route",
        ref="sec-ce-gradient",
        check=final_index,
    ),
    dict(
        id="002-unstated-k-ne-i",
        title="An off-diagonal formula stated for every index",
        source="002",
        section="Cross Entropy Loss for Multi-Class Classification",
        stated=r"&= - \tilde{\mathbf{y}}_i \tilde{\mathbf{y}}_k \\",
        correction=r"$\partial \tilde y_i/\partial z_k = -\tilde y_i \tilde y_k$ only for "
                   r"$k \ne i$ (the step treats $e^{z_i}$ as a constant); for $k = i$ it is "
                   r"$\tilde y_i(1 - \tilde y_i)$, derived just before. Together: "
                   r"$\tilde y_i(\delta_{ik} - \tilde y_k)$.",
        grade="meaning",
        chapter="ch07",
        claim="softmax.jacobian",
        ref="sec-softmax-jacobian",
        check=unstated_k_ne_i,
    ),
]
