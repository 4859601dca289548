r"""Errata of source 000: Heinzer, "On Loss Functions - Part I" (2020).

The entries for the topics of chapters 6-7 (sigmoid loss, softmax) are in
``ch06.py``/``ch07.py``, written with those chapters. Each ``check`` returns True iff
the source's version, with the assumptions the source states, is refuted (a value at a
point, a limit, a shape) and the correction holds. See :mod:`lossbook.errata`.
"""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import sympy as sp

from .. import activations
from ..chains import ch02_distance, ch03_divergence
from ..symbolic import sigmoid, softplus
from ._checks import agree, differ, links, refuted

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


def no_unique_solution(y=(1, 2, 3)) -> bool:
    # "once n > m ... there is no unique solution anymore": n > m decides neither. With
    # X = [[1, 0], [1, 1], [1, 2]] (n = 3 > m = 2, rank 2) and y = (1, 2, 3) = X (1, 1),
    # X beta = y has exactly one solution; with y = (1, 3, 4) it has none. The
    # least-squares minimiser is unique in both cases (rank X = m).
    X = sp.Matrix([[1, 0], [1, 1], [1, 2]])
    b1, b2 = sp.symbols("b1 b2")
    exact = sp.linsolve((X, sp.Matrix(y)), b1, b2)
    inconsistent = sp.linsolve((X, sp.Matrix([1, 3, 4])), b1, b2)
    ls = sp.linsolve((X.T * X, X.T * sp.Matrix(y)), b1, b2)
    return (X.shape[0] > X.shape[1] and X.rank() == 2 and len(exact) == 1
            and inconsistent == sp.EmptySet and len(ls) == 1)


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


# ------------------------------------------------------ more of the basic notation


def limit_as_subscript(notation="subscript") -> bool:
    # "sigma(x)_{x -> -oo} = 0": a subscript on sigma(x). In the source's own notation
    # a subscript picks a component (softmax(y)_i); sigma(x) is a number and has none
    # (indexing the library's 0-d result is an IndexError). The limits, computed, are 0
    # and 1. Given the correction (notation="lim") there is nothing to refute.
    try:
        activations.sigmoid(0.0)[0]
        has_component = True
    except IndexError:
        has_component = False
    limits = (sp.limit(sigmoid(x), x, -sp.oo) == 0 and sp.limit(sigmoid(x), x, sp.oo) == 1)
    return bool(notation == "subscript" and not has_component and limits)


# ---------------------------------------------------------------- Euclidean distance

def l2_norm_is_not_the_distance(named=None) -> bool:
    # d_E takes two vectors, the L2 norm one: d_E(x, y) = ||x - y||_2. For x = (1, 2),
    # y = (4, 6): d_E = 5, but ||x||_2 = sqrt(5) and ||y||_2 = sqrt(52).
    xv, yv = sp.Matrix([1, 2]), sp.Matrix([4, 6])
    d = sp.sqrt(sum((a - b) ** 2 for a, b in zip(xv, yv, strict=True)))
    readings = named or (lambda u, v: u.norm(2), lambda u, v: v.norm(2))
    return (all(differ(r(xv, yv), d) for r in readings)
            and agree((xv - yv).norm(2), d) and d == 5)


# ----------------------------------------------- Intuitive properties of cross-entropy

def true_value_symbols(true_value=0) -> bool:
    # The loss is l_{x_T} and its property 1 is l_{x_T}(x_T) = 0, but the true value is
    # called x_t. With the source's quadratic loss centred at x_T = 1, the property at a
    # true value x_t = 0 fails (l = 1); at x_T it holds.
    x_T = 1
    loss = (x - x_T) ** 2
    return differ(loss.subs(x, true_value), 0) and agree(loss.subs(x, x_T), 0)


# ------------------------------------------ Properties in connection with gradient descent

def limit_without_function(stated=((-1, 0), (-1, 1), (1, 1), (1, 0))) -> bool:
    # "lim_{y -> oo} = exp(-y)/(1 + exp(-y)) = 0": the lim has no function, and the
    # chain then says the fraction itself is 0 (it is 1/2 at y = 0). Each of the four
    # cases (sign of the exponent, direction of the limit) fails at y = 0; the limits,
    # computed, are the stated values.
    y = sp.Symbol("y", real=True)
    ok = True
    for (sign, value), direction in zip(stated, (sp.oo, -sp.oo, sp.oo, -sp.oo), strict=True):
        f = sp.exp(sign * y) / (1 + sp.exp(sign * y))
        ok = ok and differ(f.subs(y, 0), value) and sp.limit(f, y, direction) == value
    return bool(ok)


def bce_with_true_class_probability(p_of=None) -> bool:
    # With p = sigma((2z - 1) y), the probability of the TRUE class, the binary
    # cross-entropy -z log p - (1 - z) log(1 - p) is wrong for z = 0: at y = 2 it gives
    # -log(1 - sigma(-2)) = zeta(-2) = 0.127, but -log P(z = 0) = zeta(2) = 2.127. With
    # p = sigma(y) = P(Z = 1) it gives zeta((1 - 2z) y) for both labels.
    y = sp.Symbol("y", real=True)
    p_of = p_of or (lambda z: sigmoid((2 * z - 1) * y))
    ok = True
    for z in (0, 1):
        p = p_of(z)
        loss = -z * sp.log(p) - (1 - z) * sp.log(1 - p)
        truth = softplus((1 - 2 * z) * y)  # -log P(z) = -log sigma((2z - 1) y)
        for v in (2, -3):
            ok = ok and agree(loss, truth, {y: v})
    return not ok and _bce_correct_with_p_one()


def _bce_correct_with_p_one() -> bool:
    y = sp.Symbol("y", real=True)
    p = sigmoid(y)
    return all(agree(-z * sp.log(p) - (1 - z) * sp.log(1 - p), softplus((1 - 2 * z) * y),
                     {y: v}) for z in (0, 1) for v in (2, -3))


# -------------------------------------------------- Generalizing to multiple classes

def indicator_of_a_vector(z=(0, 1, 0)) -> bool:
    # l_z(s) = -sum_i 1_{i = z} log s_i with z "a one-hot encoded vector": a class number
    # i never equals a vector, every indicator is 0 and the loss is 0 for every s. With
    # z one-hot, the loss is -sum_i z_i log s_i = -log s_c (c the class with z_c = 1).
    logits = (1, 2, 3)
    s = [sp.exp(v) / sum(sp.exp(w) for w in logits) for v in logits]
    stated = -sum((1 if i == z else 0) * sp.log(s[i]) for i in range(3))
    onehot = z if isinstance(z, tuple) else tuple(int(i == z) for i in range(3))
    correct = -sum(zi * sp.log(si) for zi, si in zip(onehot, s, strict=True))
    return differ(stated, correct) and agree(correct, -sp.log(s[1]))


# ---------------------------------------------------------------------------- References

SOFTMAX_LINKS = ("- [Softmax](https://en.wikipedia.org/wiki/Rectifier_(neural_networks)) "
                 "Wikipedia … - [Rectifier](https://en.wikipedia.org/wiki/"
                 "Rectifier_(neural_networks)) Wikipedia, for softplus and ReLU")
SOFTMAX_ARTICLE = "https://en.wikipedia.org/wiki/Softmax_function"


def softmax_link_to_rectifier(text=SOFTMAX_LINKS) -> bool:
    # The reference "Softmax" links to the article on the rectifier: its target is the
    # one of the "Rectifier" entry. The article on the softmax is Softmax_function.
    (_, label, target), (_, _, rectifier) = links(text)
    page = urlparse(target).path.rsplit("/", 1)[-1]
    return (label == "Softmax" and target == rectifier and "softmax" not in page.lower()
            and urlparse(SOFTMAX_ARTICLE).path.endswith("Softmax_function"))


KL_LINK = ("[Kullback-Leibler Divergence]([https://en.wikipedia.org/wiki/Kullback%E2%80%93"
           "Leibler_divergence](https://en.wikipedia.org/wiki/Kullbackâ€“Leibler_divergence))")
KL_ARTICLE = "https://en.wikipedia.org/wiki/Kullback%E2%80%93Leibler_divergence"


def kl_link_malformed(text=KL_LINK) -> bool:
    # The target of the link is itself a Markdown link "[...](...)", not an address; the
    # inner address has "â€“" where the en dash belongs: the dash's UTF-8 bytes read as
    # Windows-1252. The address of the article percent-decodes to "Kullback–Leibler".
    (_, _, target), *_ = links(text)
    dash = "\N{EN DASH}"
    mojibake = dash.encode("utf-8").decode("cp1252")
    return (target is not None and urlparse(target).scheme == "" and mojibake in target
            and unquote(urlparse(KL_ARTICLE).path).endswith(f"Kullback{dash}Leibler_divergence"))



ERRATA = [
    dict(
        id="000-log-sigmoid-sign",
        source="000",
        section="Basic concepts and notation",
        title="A minus sign too many in the log-sigmoid",
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
        title="An argmax set equal to a likelihood",
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
        title="The equals sign read as two implications",
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
        title="Squaring called increasing on the real line",
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
        title="A lost minus sign in the least-squares objective",
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
        title="The wrong sign of the constant term",
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
        title="A row subtracted from a column",
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
        title="More equations than unknowns said to rule out a unique solution",
        stated=r"However once we have $$n > m$$, or more data than variables, there is no "
               r"unique solution anymore.",
        correction=r"The number of rows does not decide it: with $n > m$ the system "
                   r"$X\beta = y$ has in general no solution, and when it has one and "
                   r"$\operatorname{rank} X = m$, exactly one. The least-squares minimiser "
                   r"always exists and is unique iff $\operatorname{rank} X = m$.",
        grade="meaning",
        chapter="ch02",
        claim="least-squares.normal-equations",
        check=no_unique_solution,
    ),
    dict(
        id="000-linear-loss-not-zero",
        source="000",
        section="Intuitive properties of cross-entropy",
        title="Losses that are not zero at the target",
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
        title="A divergence said to be real-valued",
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
        title="A bracket never closed",
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
        title="Entropy in base b from natural-log information",
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
        title="The roles of p and q in the coding reading",
        stated=r"Cross-Entropy: Average number of total bits to represent an event from $$q$$ "
               r"instead of $$p$$. … Relative-Entropy: Average number of extra bits to "
               r"represent an event from $$q$$ instead of $$p$$.",
        correction=r"$H(p, q)$ is the average code length (in bits with $\log_2$) of events "
                   r"drawn from $p$ under a code built for $q$, and $\mathrm{KL}(p\,\|\,q)$ "
                   r"the extra length. The source's phrase can be read that way, but read "
                   r"with the event drawn \"from $q$\" it describes $H(q, p)$ and "
                   r"$\mathrm{KL}(q\,\|\,p)$, which differ.",
        grade="typo",
        chapter="ch05",
        claim="ce.decomposition",
        ref="sec-ce-definition",
        check=ce_roles_swapped,
    ),
    dict(
        id="000-limit-as-subscript",
        source="000",
        section="Basic concepts and notation",
        title="A limit written as a subscript",
        stated=r"The left limit is 0: $$ \sigma(x)_{x \longrightarrow -\infty } = 0 $$ … "
               r"The right limit is 1: $$ \sigma(x)_{x \longrightarrow \infty } = 1 $$",
        correction=r"$\lim_{x\to-\infty}\sigma(x) = 0$ and $\lim_{x\to\infty}\sigma(x) = 1$;"
                   r" a subscript on the number $\sigma(x)$ has no meaning (the source's "
                   r"subscripts pick vector components, as in $\mathrm{softmax}(y)_i$).",
        grade="typo",
        chapter="ch01",
        claim=None,
        check=limit_as_subscript,
    ),
    dict(
        id="000-l2-norm-is-not-the-distance",
        source="000",
        section="Euclidean distance",
        title="The distance called a norm",
        stated=r"It is also often called the L2 norm, and denoted by $$\mid\mid \cdot "
               r"\mid\mid_2$$.",
        correction=r"The L2 norm $\|v\|_2$ measures one vector; the Euclidean distance is "
                   r"the norm of the difference, $d_E(x, y) = \|x - y\|_2$ (for $x = (1, 2)$,"
                   r" $y = (4, 6)$: $d_E = 5$, while $\|x\|_2 = \sqrt5$).",
        grade="typo",
        chapter="ch02",
        claim=None,
        check=l2_norm_is_not_the_distance,
    ),
    dict(
        id="000-true-value-two-names",
        source="000",
        section="Intuitive properties of cross-entropy",
        title="Two names for the true value",
        stated=r"Let $$x_T \in \mathbb{R}$$ and $$l_{x_T}: \mathbb{R} \longrightarrow "
               r"[0,\infty)$$ be a generic loss function for a true value $$x_t$$.",
        correction=r"The true value is $x_T$ throughout: $l_{x_T}$ is the loss for the "
                   r"true value $x_T$, and $l_{x_T}(x_T) = 0$.",
        grade="typo",
        chapter="ch02",
        claim="distance.loss-properties",
        check=true_value_symbols,
    ),
    dict(
        id="000-limit-without-function",
        source="000",
        section="Properties in connection with gradient descent",
        title="Limits with nothing to take the limit of",
        stated=r"$$\lim_{y \longrightarrow \infty} = \frac{\exp(-y)}{1+\exp(-y)} = 0$$ … "
               r"$$\lim_{y \longrightarrow -\infty} = \frac{\exp(-y)}{1+\exp(-y)} = 1$$ … "
               r"$$\lim_{y \longrightarrow \infty} = \frac{\exp(y)}{1+\exp(y)} = 1$$ … "
               r"$$\lim_{y \longrightarrow -\infty} = \frac{\exp(y)}{1+\exp(y)} = 0$$",
        correction=r"$\lim_{y\to\infty} \sigma(-y) = 0$, $\lim_{y\to-\infty} \sigma(-y) = 1$, "
                   r"$\lim_{y\to\infty} \sigma(y) = 1$, $\lim_{y\to-\infty} \sigma(y) = 0$. As "
                   r"written, each line says the fraction itself equals the limit, which is "
                   r"false (at $y = 0$ every fraction is $1/2$).",
        grade="typo",
        chapter="ch06",
        claim=None,
        check=limit_without_function,
    ),
    dict(
        id="000-bce-with-true-class-probability",
        source="000",
        section="Properties in connection with gradient descent",
        title="Binary cross-entropy fed the probability of the true class",
        stated=r"In the case of two classes, with true class $$z$$ and predicted probability "
               r"$$p = \sigma((2z-1)y)$$, it reduces to … "
               r"$$ l_z(p) = -z\log(p) - (1-z) \log(1-p)$$",
        correction=r"The formula $-z\log p - (1-z)\log(1-p)$ needs $p = P(Z = 1) = "
                   r"\sigma(y)$. With $p = \sigma((2z-1)y)$, the probability of the true "
                   r"class, the loss is simply $-\log p = \zeta((1-2z)y)$; the source's "
                   r"combination gives $\zeta(-2) \approx 0.127$ instead of "
                   r"$\zeta(2) \approx 2.127$ for $z = 0$, $y = 2$.",
        grade="meaning",
        chapter="ch06",
        claim=None,
        check=bce_with_true_class_probability,
    ),
    dict(
        id="000-indicator-of-a-vector",
        source="000",
        section="Generalizing to multiple classes",
        title="An indicator that compares a number with a vector",
        stated=r"$$ l_z(s) = -\sum_{i=1}^n \mathbb{1}_{i=z} \log(s_i) $$ … Where $$z$$ is now "
               r"a one-hot encoded vector with the true label being one and a zero "
               r"everywhere else.",
        correction=r"Either $z$ is the class index and $l_z(s) = -\sum_i \mathbb{1}_{i=z}"
                   r"\log s_i = -\log s_z$, or $z$ is one-hot and $l_z(s) = -\sum_i z_i \log "
                   r"s_i$. Read as written, no index $i$ equals the vector $z$ and the loss is "
                   r"$0$ for every $s$.",
        grade="typo",
        chapter="ch05",
        claim="ce.one-hot",
        ref="sec-ce-one-hot",
        check=indicator_of_a_vector,
    ),
    dict(
        id="000-softmax-link-to-rectifier",
        source="000",
        section="References",
        title="The softmax reference links to the rectifier",
        stated=SOFTMAX_LINKS,
        correction=r"The reference on the softmax should point to the article "
                   r"`Softmax_function` of Wikipedia; the source's link opens the article on "
                   r"the rectifier, the same as its Rectifier entry.",
        grade="missing",
        chapter="ch07",
        claim=None,
        check=softmax_link_to_rectifier,
    ),
    dict(
        id="000-kl-link-malformed",
        source="000",
        section="References",
        title="A broken link to the Kullback-Leibler article",
        stated=KL_LINK,
        correction=r"The link's target is itself a Markdown link, and its inner address "
                   r"has the mojibake â€“ for the en dash; the article's address ends in "
                   r"`Kullback%E2%80%93Leibler_divergence`. The book "
                   r"cites {cite}`kullback1951` instead.",
        grade="missing",
        chapter="ch03",
        claim=None,
        check=kl_link_malformed,
    ),
]
