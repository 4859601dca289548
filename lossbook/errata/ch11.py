r"""Errata written with chapter 11 (MSE vs cross-entropy vs hinge): sources 003 and 004.

The claim of source 004 that near-zero weights make sigma' small is recorded once, as
``004-sigmoid-prime-at-zero`` (module ``ch06``); chapter 11 links to it and adds the
experiment. Each ``check`` returns True iff the source's statement is refuted by a
computation that satisfies its own assumptions (a value, a limit, a structural fact of
the text), and the correction holds. Each check takes the source's version as a keyword
argument, so that the tests can hand it the correction instead and see it fail. See
:mod:`lossbook.errata` for the schema.
"""

from __future__ import annotations

import re

import numpy as np
import sympy as sp

from .. import activations, losses
from ..symbolic import sigmoid
from ._checks import agree, differ, value

R = sp.Rational
z = sp.Symbol("z", real=True)


# ------------------------------------------------------------- 003: saturation and the log

def saturation_garbled(with_log=lambda u: -sp.log(sigmoid(u))) -> bool:
    # 003 says the exp of an output unit saturates "because of the log" of the negative
    # log-likelihood. The exp saturates on its own: d/dz e^z -> 0 as z -> -oo, no log in
    # sight. With the log (a sigmoid unit, label 1, so z -> -oo is the wrong side) the
    # loss's slope tends to -1, not 0, while the squared error on the same unit saturates
    # (slope -> 0) and so does sigma' itself: the log prevents the loss from saturating,
    # it does not cause it, and it does not stop the sigmoid from saturating.
    def tail(expr):
        return sp.limit(sp.diff(expr, z), z, -sp.oo)

    exp_alone = tail(sp.exp(z))
    logged = tail(with_log(z))
    squared = tail((sigmoid(z) - 1) ** 2)
    sigmoid_itself = tail(sigmoid(z))
    return bool(exp_alone == 0 and differ(logged, 0) and agree(logged, -1)
                and squared == 0 and sigmoid_itself == 0)


# ------------------------------------------------- 004: the two multi-class cross-entropies

def _variants(p, classes):
    """Cross-entropy and the source's second variant, with lossbook, for the correct-class
    probabilities ``p`` and the other ``classes - 1`` classes sharing 1 - p evenly."""
    s = np.empty((p.size, classes))
    s[:, 0] = p
    s[:, 1:] = ((1 - p) / (classes - 1))[:, None]
    onehot = np.zeros_like(s)
    onehot[:, 0] = 1.0
    ce = losses.softmax_cross_entropy(np.log(s), np.zeros(p.size, dtype=int), reduction="none")
    second = losses.binary_cross_entropy(s, onehot, reduction="none").sum(axis=1)
    return ce, second


def ce_offset(second=None) -> bool:
    # 004: the two variants "are just offset". On the source's own range p = 0.01..0.98:
    # with K = 2 the second variant is exactly twice the first, so the gap -log p falls
    # from 4.61 to 0.020; with K = 3 and K = 10 (the rest shared evenly) it falls too.
    # An offset would be one number; here the gap changes by more than 0.9 for every K.
    p = np.linspace(0.01, 0.98, 98)
    ok = True
    for classes in (2, 3, 10):
        ce, other = _variants(p, classes)
        if second is not None:
            other = second(ce)
        gap = other - ce
        ok &= bool(gap.max() - gap.min() > 0.9 and np.all(gap > 0))
        if classes == 2:
            ok &= bool(np.allclose(other, 2 * ce, rtol=1e-12, atol=0))
    return ok


# ------------------------------------------------------------------- 004: infinite scores

def infinite_scores(wrong=lambda t: sp.Integer(0)) -> bool:
    # 004: probability 1 on the correct class would need the scores +oo and -oo. Softmax
    # depends only on differences: with the scores (t, w(t), w(t)) and w(t) = 0 held fixed,
    # softmax_1 -> 1 as t -> oo, and no score tends to -oo. In float64 the probability
    # is already exactly 1.0 at the finite scores (40, 0, 0), so -log of it is 0, while the
    # loss computed from the logits keeps its exact value log(1 + 2e^-40) = 8.5e-18.
    t = sp.Symbol("t", positive=True)
    other = wrong(t)
    prob = sp.exp(t) / (sp.exp(t) + 2 * sp.exp(other))
    limit = sp.limit(prob, t, sp.oo)
    stays_finite = sp.limit(other, t, sp.oo).is_finite
    rounded = float(activations.softmax(np.array([40.0, 0.0, 0.0]))[0])
    loss = float(losses.softmax_cross_entropy(np.array([40.0, 0.0, 0.0]), np.array(0)))
    exact = float(value(sp.log(1 + 2 * sp.exp(-40))))
    return bool(limit == 1 and stays_finite and rounded == 1.0 and -np.log(rounded) == 0
                and abs(loss - exact) <= 1e-12 * exact)


# ----------------------------------------------------------------------- 004: the log base

def _truncated(v, decimals=2):
    return sp.floor(v * 10**decimals) / 10**decimals


def log_base(base=10) -> bool:
    # 004 gives -log 0.8 = 0.09 and -log 0.08 = 1.09 with a TODO on the base. In nats the
    # values are 0.223 and 2.526; in bits 0.322 and 3.644. In base 10 they are 0.0969 and
    # 1.0969: the stated digits, cut off (rounded they would be 0.10 and 1.10). The two
    # differ by log_b(0.8 / 0.08) = log_b 10, which is 1 = 1.09 - 0.09 only for b = 10.
    stated = (R(9, 100), R(109, 100))

    def losses_in(b):
        return [value(-sp.log(sp.Rational(8, 10), b)), value(-sp.log(sp.Rational(8, 100), b))]

    natural = losses_in(sp.E)
    bits = losses_in(2)
    chosen = losses_in(base)
    bb = sp.Symbol("b", positive=True)
    solved = sp.solve(sp.Eq(sp.log(10) / sp.log(bb), stated[1] - stated[0]), bb)
    return bool(all(abs(n - s) > R(1, 10) for n, s in zip(natural, stated, strict=True))
                and all(abs(n - s) > R(1, 10) for n, s in zip(bits, stated, strict=True))
                and all(_truncated(c) == s for c, s in zip(chosen, stated, strict=True))
                and solved == [base])


# ------------------------------------------------------- 004: the gradient-descent pseudocode

GD_CODE = ("For i = 1 ... N:\n    Compute dJ/dw_i for i = 1 ... M parameters\n"
           "    Let w_i = w_i - learning_rate * dJ/dw_i")


def gd_loop_index(code=GD_CODE) -> bool:
    # The outer loop (N steps) and the loop over the M parameters both use the index i,
    # so "w_i" in the update cannot name a parameter and a step at the same time.
    loops = re.findall(r"[Ff]or (\w+) = 1 \.\.\. (\w+)", code)
    names = [name for name, _ in loops]
    bounds = {upper for _, upper in loops}
    return bool(len(loops) == 2 and len(set(names)) == 1 and len(bounds) == 2)


_SPEED = "Differences in learning speed for classification"
_MULTI = "The Cross-Entropy Loss in the case of multi-class classification"

ERRATA = [
    dict(
        id="003-saturation-garbled",
        source="003",
        section="1.1.1 Advantages",
        title="The log blamed for the saturation it prevents",
        stated=r"Several output units involve an exp function that can saturate when its "
               r"argument is very negative, because of the log function in the negative "
               r"log-likelihood loss function. … 2. Prevent the saturation of Sigmoid if we "
               r"use MLE.",
        correction=r"The exp saturates by itself: $\frac{d}{dz}e^{z} = e^{z} \to 0$ as "
                   r"$z \to -\infty$. The log of the negative log-likelihood *undoes* it "
                   r"($\log e^{z} = z$), which is why the likelihood avoids saturation "
                   r"(Goodfellow et al., 6.2.1.1, say it in two sentences that the notes "
                   r"merged into one). For a sigmoid unit and the label 1, "
                   r"$\frac{d}{dz}[-\log\sigma(z)] = \sigma(z) - 1 \to -1$ on the wrong side, "
                   r"while the squared error's slope $2(\sigma(z) - 1)\sigma'(z) \to 0$. The "
                   r"sigmoid itself still saturates under maximum likelihood "
                   r"($\sigma'(z) \to 0$); what the log prevents is the vanishing of the "
                   r"*loss's* gradient on a wrong answer.",
        grade="meaning",
        chapter="ch11",
        claim="bce.grad-tail",
        ref="sec-ch11-speed",
        check=saturation_garbled,
    ),
    dict(
        id="004-ce-offset",
        source="004",
        section=_MULTI,
        title="Two cross-entropies said to differ by an offset",
        stated=r"It turns out that it doesn't really matter which variant of cross-entropy "
               r"you use for multiple-class classification, as they both decrease at "
               r"similar rates and are just offset, with the second variant discussed "
               r"having a higher loss for a particular setting of scores.",
        correction=r"The second variant adds $-\sum_{j \ne c}\log(1 - s_j) \ge 0$, which "
                   r"depends on the correct-class probability $p$ and on how the rest is "
                   r"spread; it is no constant. With $K = 2$ it is $-\log p$ itself: the "
                   r"variant is exactly *twice* the cross-entropy, with twice its gradient, "
                   r"and the gap falls from 4.61 at $p = 0.01$ to 0.020 at $p = 0.98$. With "
                   r"the rest shared evenly by $K - 1$ classes the gap has slope "
                   r"$-(K - 1)/(K - 2 + p) < 0$.",
        grade="meaning",
        chapter="ch11",
        claim="variants.two-classes",
        ref="sec-ch11-variants",
        check=ce_offset,
    ),
    dict(
        id="004-infinite-scores",
        source="004",
        section="Cross Entropy Loss: An information theory perspective",
        title="Certainty said to need infinite scores",
        stated=r"This can't really happen since that would mean our raw scores would have "
               r"to be $$\infty$$ and $$-\infty$$ for our correct and incorrect classes "
               r"respectively",
        correction=r"Softmax depends only on the differences of the scores, so the "
                   r"correct class's probability tends to 1 as soon as its lead over every "
                   r"other score grows without bound: scores $(t, 0, 0)$ with "
                   r"$t \to \infty$ give $1/(1 + 2e^{-t}) \to 1$ with the wrong scores held "
                   r"at 0. No finite scores give exactly 1, but in float64 the scores "
                   r"$(40, 0, 0)$ already give the probability 1.0, whose $-\log$ is 0; the "
                   r"loss computed from the logits keeps its value "
                   r"$\log(1 + 2e^{-40}) = 8.5 \cdot 10^{-18}$.",
        grade="meaning",
        chapter="ch11",
        claim="softmax.one-without-infinities",
        ref="sec-ch11-variants",
        check=infinite_scores,
    ),
    dict(
        id="004-log-base",
        source="004",
        section=_MULTI,
        title="Loss values in an unstated base",
        stated=r"For example, if we have a score of 0.8 for the correct label, our loss "
               r"will be 0.09, if we have a score of .08 our loss would be 1.09. (TODO "
               r"figure out what base this is)",
        correction=r"Base 10, cut off after two decimals: $-\log_{10} 0.8 = 0.0969$ and "
                   r"$-\log_{10} 0.08 = 1.0969$ (rounded, 0.10 and 1.10). The difference of "
                   r"the two losses is $\log_b(0.8/0.08) = \log_b 10$, which is $1$ only for "
                   r"$b = 10$. In nats, the unit of this book and of the usual libraries, the "
                   r"losses are 0.223 and 2.526.",
        grade="missing",
        chapter="ch11",
        claim="variants.log-base",
        ref="sec-ch11-variants",
        check=log_base,
    ),
    dict(
        id="004-gd-loop-index",
        source="004",
        section=_SPEED,
        title="One loop index for two loops",
        stated=r"For i = 1 ... N: … Compute dJ/dw_i for i = 1 ... M parameters",
        correction=r"Two indices are needed: for each step $k = 1, \dots, N$, compute every "
                   r"partial derivative $\partial J/\partial w_i$, $i = 1, \dots, M$, at the "
                   r"current weights, then update every $w_i \leftarrow w_i - "
                   r"\eta\,\partial J/\partial w_i$.",
        grade="typo",
        chapter="ch11",
        claim=None,
        ref="sec-ch11-speed",
        check=gd_loop_index,
    ),
]
