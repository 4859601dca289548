r"""Errata of source 004: Rohan Varma, "Picking Loss Functions" (blog post).

The entries on the Gaussian density, the "MSE" with a factor 1/2, the sign of the MSE
gradient, the small weights, the "just offset" variants, the infinite scores and the
base of the logarithm in 0.09 / 1.09 (chapters 10-11) are written with those chapters.
Each ``check`` returns True iff the source's version is refuted and the correction
holds (for missing content: that the book supplies it). See :mod:`lossbook.errata`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp
from sympy import stats

from .. import activations, gradients, losses
from ..chains import chain
from ..symbolic import sigmoid
from ._checks import agree, differ, is_image_address, links, web_address

R = sp.Rational


# --------------------------------------------- The Mean-Squared Loss: Probabalistic Interpretation

VARIANCE_LINE = (r"$$Var[Y] = Var[\theta_0 + \theta_1x + \eta] = $$,1 so $$Y$$ is also "
                 r"Gaussian")


def variance_garbled(text=VARIANCE_LINE) -> bool:
    # The formula for Var[Y] ends with "=" and nothing after it; the 1 follows outside
    # the formula, after a comma. The value itself is right: with eta ~ N(0, 1),
    # Var[theta_0 + theta_1 x + eta] = 1 (SymPy's statistics module).
    formula = text.split("$$")[1]
    t0, t1, xx = sp.symbols("theta_0 theta_1 x", real=True)
    eta = stats.Normal("eta", 0, 1)
    return bool(formula.rstrip().endswith("=")
                and agree(stats.variance(t0 + t1 * xx + eta), 1))


# ------------------------------------------------ Differences in learning speed

def prediction_exactly_zero() -> bool:
    # "a prediction y^_i = h_theta(x_i) = 0" with h = sigma(W x + b): the sigmoid is
    # positive for every real argument, so the prediction can be near 0, never 0 (and at
    # exactly 0 the cross-entropy -log y^ would be infinite). sigma(-10) = 4.5e-5.
    z = sp.Symbol("z", real=True)
    no_root = sp.solveset(sp.Eq(sigmoid(z), 0), z, sp.S.Reals) == sp.S.EmptySet
    tiny = float(activations.sigmoid(-10.0))
    return no_root and 0 < tiny < 1e-4


def sigmoid_slope_plot() -> bool:
    # "insert sigmoid graph plot here": the figure of sigma' is missing. The book draws
    # it (chapter 1) and here computes what it was to show: sigma' = sigma (1 - sigma)
    # peaks at 1/4 at 0 and is at most min(sigma, 1 - sigma), so it is small wherever the
    # output is close to 0 or 1 (lossbook, 4001 points on [-20, 20]).
    xs = np.linspace(-20.0, 20.0, 4001)
    s, ds = activations.sigmoid(xs), gradients.sigmoid_grad(xs)
    one_minus_s = activations.sigmoid(-xs)  # 1 - s without cancellation
    return bool(abs(ds.max() - 0.25) < 1e-15 and xs[np.argmax(ds)] == 0.0
                and np.all(ds <= np.minimum(s, one_minus_s) * (1 + 1e-15)))


PROOF_LINK = (r"This can be expressed as $$\sigma(Wx_i + b)(1 - \sigma(Wx_i + b))$$ "
              r"(see here for a proof).")


def sigmoid_proof_link(text=PROOF_LINK) -> bool:
    # "(see here for a proof)" has no link. The book supplies the proof: the checked
    # derivation sigmoid.derivative.
    d = chain("sigmoid.derivative")
    return not links(text) and len(d.steps) > 0


CE_LABELLED = (r"\frac{dJ}{dW} = -\sum_{i=1}^{N} y_i\log(\sigma (Wx_i + b)) + "
               r"(1-y_i)\log(1 - \sigma(Wx_i + b))")


def ce_loss_labelled_gradient(left="dJ/dW") -> bool:
    # The cross-entropy loss itself is written with dJ/dW on the left. For one example
    # x = 1, y = 1 at W = b = 0 the right side is the loss, log 2 = 0.693, while dJ/dW is
    # x (sigma(0) - y) = -1/2 (the source's own result, two lines further on).
    w, b = sp.symbols("W b", real=True)
    xx, y = 1, 1
    loss = -(y * sp.log(sigmoid(w * xx + b)) + (1 - y) * sp.log(1 - sigmoid(w * xx + b)))
    at = {w: 0, b: 0}
    lhs = sp.diff(loss, w) if left == "dJ/dW" else loss
    return (differ(lhs, loss, at) and agree(sp.diff(loss, w), xx * (sigmoid(w * xx + b) - y), at))


# ------------------------------------------------------------------------ links, figures

CODE_LINK = (r"To show this, I [wrote some code](https://github.com/rohan-varma/"
             r"machine-learning-courses/blob/master/cs231n/loss.py to plot these 2 loss "
             r"functions against each other")


def code_link_unclosed(text=CODE_LINK) -> bool:
    # The address is never closed with ")": Markdown shows the text, not a link. Closed
    # after "loss.py", it is a link to the file.
    (_, _, target), = links(text)
    closed = text.replace("loss.py to plot", "loss.py) to plot")
    (_, _, fixed), = links(closed)
    return target is None and web_address(fixed) and fixed.endswith("/cs231n/loss.py")


NIELSEN = (r"Michael Nielsen in his [book](http://neuralnetworksanddeeplearning) has an "
           r"in-depth discussion … 1. [Michael Nielsen's Neural Networks and Deep Learning, "
           r"Chapter 3](http://neuralnetworksanddeeplearning.com/chap3.html)")


def nielsen_link_dead(text=NIELSEN) -> bool:
    # The link in the text has the host "neuralnetworksanddeeplearning", a name with no
    # domain (no dot): it cannot be reached. The source's own list of sources has the
    # address with ".com".
    (_, _, broken), (_, _, listed) = links(text)
    return not web_address(broken) and web_address(listed)


SVM_FIGURE = (r"~[svm](https://docs.opencv.org/2.4.13.4/doc/tutorials/ml/"
              r"introduction_to_svm/introduction_to_svm.html)")


def svm_figure_missing(text=SVM_FIGURE) -> bool:
    # "~[svm](...)" is a link (an image needs "!["), and its target is an HTML page, not
    # a picture: the max-margin figure is not there. What it was to show, computed: the
    # hinge loss is 0 exactly from margin y s = 1 on (lossbook.hinge).
    (image, _, target), = links(text)
    scores = np.array([0.99, 1.0, 2.0])
    h = losses.hinge(scores, np.ones(3, dtype=int), reduction="none")
    return bool(not image and not is_image_address(target)
                and abs(h[0] - 0.01) < 1e-12 and h[1] == 0 and h[2] == 0)


HINGE_FIGURE = (r"![hinge loss](https://www.researchgate.net/figure/"
                r"312935261_fig10_Fig-11-Plot-of-hinge-loss-function)")


def hinge_figure_not_image(text=HINGE_FIGURE) -> bool:
    # The image's address is a web page on researchgate.net, not a picture file, so no
    # picture is shown. The curve it was to show, computed with lossbook.hinge at the
    # source's three examples (label -1): scores 0.2, -0.7, -1.1 give 1.2, 0.3, 0.
    (image, _, target), = links(text)
    h = losses.hinge(np.array([0.2, -0.7, -1.1]), np.array([-1, -1, -1]), reduction="none")
    return bool(image and not is_image_address(target)
                and np.allclose(h, [1.2, 0.3, 0.0], rtol=0, atol=1e-15))


ERRATA = [
    dict(
        id="004-variance-garbled",
        source="004",
        section="The Mean-Squared Loss: Probabalistic Interpretation",
        title="A formula that ends in an equals sign",
        stated=VARIANCE_LINE,
        correction=r"$\mathrm{Var}[Y] = \mathrm{Var}[\theta_0 + \theta_1 x + \eta] = 1$: the "
                   r"value 1 belongs inside the formula.",
        grade="typo",
        chapter="ch10",
        claim=None,
        check=variance_garbled,
    ),
    dict(
        id="004-prediction-exactly-zero",
        source="004",
        section="Differences in learning speed for classification",
        title="A sigmoid output of exactly zero",
        stated=r"a label $$y_i = 1$$, and a prediction $$\hat{y_i} = h_\theta(x_i) = 0$$.",
        correction=r"$\hat y_i = \sigma(Wx_i + b) \approx 0$, for example "
                   r"$\sigma(-10) \approx 4.5 \cdot 10^{-5}$: a sigmoid is never $0$.",
        grade="typo",
        chapter="ch11",
        claim=None,
        check=prediction_exactly_zero,
    ),
    dict(
        id="004-sigmoid-plot-missing",
        source="004",
        section="Differences in learning speed for classification",
        title="The plot of the sigmoid's derivative is missing",
        stated=r"insert sigmoid graph plot here",
        correction=r"The figure of $\sigma'$ is drawn in the book; it shows "
                   r"$\sigma' = \sigma(1 - \sigma) \le \min(\sigma, 1 - \sigma)$, largest "
                   r"($1/4$) at $0$ and small wherever the output is near $0$ or $1$.",
        grade="missing",
        chapter="ch01",
        claim="sigmoid.derivative",
        check=sigmoid_slope_plot,
    ),
    dict(
        id="004-sigmoid-proof-link",
        source="004",
        section="Differences in learning speed for classification",
        title="A proof announced with no link",
        stated=PROOF_LINK,
        correction=r"The proof of $\sigma' = \sigma(1 - \sigma)$ is a checked derivation "
                   r"of the book (the claim sigmoid.derivative).",
        grade="missing",
        chapter="ch06",
        claim="sigmoid.derivative",
        check=sigmoid_proof_link,
    ),
    dict(
        id="004-ce-loss-labelled-gradient",
        source="004",
        section="Differences in learning speed for classification",
        title="The loss written as its own derivative",
        stated=CE_LABELLED,
        correction=r"$J = -\sum_i \big[y_i \log \sigma(Wx_i + b) + (1 - y_i)\log(1 - "
                   r"\sigma(Wx_i + b))\big]$ is the loss; its derivative, two lines on, is "
                   r"$\frac{dJ}{dW} = \sum_i x_i(\sigma(z_i) - y_i)$.",
        grade="typo",
        chapter="ch11",
        claim=None,
        check=ce_loss_labelled_gradient,
    ),
    dict(
        id="004-code-link-unclosed",
        source="004",
        section="The Cross-Entropy Loss in the case of multi-class classification",
        title="A link that is never closed",
        stated=CODE_LINK,
        correction=r"The address needs its closing parenthesis after `loss.py`; as "
                   r"written the page shows the bracketed text and no link to the code.",
        grade="missing",
        chapter="ch11",
        claim=None,
        check=code_link_unclosed,
    ),
    dict(
        id="004-nielsen-link-dead",
        source="004",
        section="Differences in learning speed for classification",
        title="A dead link to Nielsen's book",
        stated=NIELSEN,
        correction=r"The host is `neuralnetworksanddeeplearning.com` (chapter 3 at "
                   r"`/chap3.html`), as in the source's own list of sources.",
        grade="missing",
        chapter="ch11",
        claim=None,
        check=nielsen_link_dead,
    ),
    dict(
        id="004-svm-figure-missing",
        source="004",
        section="Hinge Loss vs Cross-Entropy Loss",
        title="The margin figure is a link to a web page",
        stated=SVM_FIGURE,
        correction=r"No figure is shown: the markup is a link (an image needs "
                   r"`![...]`) to an HTML tutorial. The property it was to "
                   r"illustrate: the hinge loss vanishes exactly when the margin "
                   r"$y\,s \ge 1$.",
        grade="missing",
        chapter="ch11",
        claim=None,
        check=svm_figure_missing,
    ),
    dict(
        id="004-hinge-figure-not-image",
        source="004",
        section="Hinge Loss vs Cross-Entropy Loss",
        title="The hinge-loss figure is a web page",
        stated=HINGE_FIGURE,
        correction=r"The image's address is a web page on `researchgate.net`, not a "
                   r"picture, so no plot appears. The curve it was to show has, at the "
                   r"source's examples (label $-1$, scores $0.2, -0.7, -1.1$), the values "
                   r"$1.2, 0.3, 0$, as the source says.",
        grade="missing",
        chapter="ch11",
        claim=None,
        check=hinge_figure_not_image,
    ),
]
