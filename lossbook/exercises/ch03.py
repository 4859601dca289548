"""Exercises of chapter 3 (Divergence and Kullback-Leibler).

Four computations, two proofs (KL of independent pairs adds up: the checked chain
``kl.product-additive``; Gibbs' inequality with its equality case from the gap
f(u) = u - 1 - log u: ``kl.gibbs-terms`` and ``kl.log-bound-equality``) and a coding
task (a KL function that handles zeros), tested against exact values computed by
SymPy. The model solution is :func:`model_kl`.
"""

import numpy as np
import sympy as sp

from . import register

# A numeric answer may be a decimal rounded to four significant digits (relative error
# at most 5e-4); every wrong answer these exercises anticipate is much further away.
DECIMALS = 5e-4
# Answers in bits may use log2(x).
_u = sp.Dummy("u")
LOG2 = {"log2": sp.Lambda(_u, sp.log(_u) / sp.log(2))}

mu = sp.Symbol("mu", real=True)
a, s = sp.symbols("a s", positive=True)

register(
    "ch03-ex1",
    rtol=DECIMALS,
    question="Compute KL(p || q) in nats for p = (1/2, 1/2) and q = (1/4, 3/4).",
    answer=sp.log(sp.Rational(4, 3)) / 2,
    hint="KL(p || q) = sum_i p_i log(p_i / q_i); the ratios are 2 and 2/3. Mind the order: "
         "the expectation is taken under p, the first argument.",
    sample_right="log(2)/2 + log(2/3)/2",
    sample_wrong="3*log(3)/4 - log(2)",
    mistakes=[
        ("3*log(3)/4 - log(2)", "that is KL(q || p): the arguments are swapped (the "
                                "expectation is under p, the first argument)"),
    ],
)

register(
    "ch03-ex2",
    question="Write KL(N(0, 1) || N(0, s^2)) as a formula in s (s > 0).",
    answer=sp.log(s) + 1 / (2 * s**2) - sp.Rational(1, 2),
    symbols=(s,),
    hint="put mu_1 = mu_2 = 0, sigma_1 = 1, sigma_2 = s into log(sigma_2/sigma_1) + "
         "(sigma_1^2 + (mu_1 - mu_2)^2) / (2 sigma_2^2) - 1/2.",
    sample_right="log(s) + (1 - s^2)/(2*s^2)",
    sample_wrong="s^2/2 - log(s) - 1/2",
    mistakes=[
        ("s^2/2 - log(s) - 1/2", "that is KL(N(0, s^2) || N(0, 1)): the arguments are "
                                 "swapped (sigma_1 = 1 is the first argument's)"),
        ("log(s) + 1/(2*s^2)", "the closed form ends with - 1/2; without it KL(p || p) "
                               "would be 1/2 at s = 1"),
        ("log(s) + 1/(2*s) - 1/2", "the variances enter, not the standard deviations: "
                                   "sigma_1^2 / (2 sigma_2^2) = 1/(2 s^2)"),
    ],
)

EPS = sp.Rational(1, 2**20)  # p_eps = (1 - EPS, EPS) in the second half of ch03-ex3


def _kl_bits(first, second):
    return sum(a * sp.log(a / b, 2) for a, b in zip(first, second, strict=True) if a != 0)


_SURE = (sp.Integer(1), sp.Integer(0))
_FAIR = (sp.Rational(1, 4), sp.Rational(3, 4))
_NEAR_SURE = (1 - EPS, EPS)

register(
    "ch03-ex3",
    rtol=DECIMALS,
    functions=LOG2,
    question=("Let p = (1, 0) and q = (1/4, 3/4). (a) Compute KL(p || q) in bits. "
              "(b) KL(q || p) is infinite; to see how it gets there, compute KL(q || p_eps) "
              "in bits for p_eps = (1 - eps, eps) with eps = 2^-20. Give [(a), (b)]."),
    answer=sp.Matrix([_kl_bits(_SURE, _FAIR), _kl_bits(_FAIR, _NEAR_SURE)]),
    hint="(a) terms with p_i = 0 contribute nothing. (b) both outcomes count, each weighted "
         "by its q_i; the rare outcome's ratio is (3/4)/eps.",
    sample_right="[2, 13 + 3*log2(3)/4]",
    sample_wrong=[2 * sp.log(2), _kl_bits(_FAIR, _NEAR_SURE) * sp.log(2)],
    mistakes=[
        ([2, 16 + sp.log(3, 2)], "each term of KL(q || p_eps) is weighted by its q_i: "
                                 "1/4 and 3/4"),
        ([2, _kl_bits(_NEAR_SURE, _FAIR)], "in (b) the arguments are swapped: that is "
                                           "KL(p_eps || q), which stays near 2 bits; the "
                                           "expectation is under q, the first argument"),
        ([2, 20], "log2(1/eps) = 20 is the cost of the rare outcome alone; it is weighted by "
                  "q_2 = 3/4, and the common outcome adds (1/4) log2((1/4)/(1 - eps))"),
    ],
)

register(
    "ch03-ex4",
    question=("The target is the mixture (1/2) N(-a, s^2) + (1/2) N(a, s^2). Give the variance "
              "of the Gaussian that minimises the forward divergence KL(p || N(mu, sigma^2))."),
    answer=a**2 + s**2,
    symbols=(a, s),
    hint="the forward fit matches the mean and the variance of p; the variance of a mixture is"
         " the average second moment of the components minus the squared mean.",
    sample_right="s^2 + a^2",
    sample_wrong="s^2",
    mistakes=[
        ("s^2", "s^2 is the variance of each component; the mixture is also spread by its "
                "two means at -a and a"),
        ("a^2", "a^2 is the spread of the two means alone; each component adds its own "
                "variance s^2"),
        ("(a + s)^2", "variances add, not standard deviations: s^2 + a^2"),
    ],
)

register(
    "ch03-ex5",
    kind="proof",
    solution_claim="kl.product-additive",
    rtol=DECIMALS,
    question=("Show that for independent pairs KL adds up: KL(p x q || r x s) = KL(p || r) + "
              "KL(q || s), where (p x q)(i, j) = p_i q_j. Then compute, in nats, "
              "KL(p x p || r x r) for p = (1/2, 1/2) and r = (1/4, 3/4)."),
    answer=sp.log(sp.Rational(4, 3)),
    hint="the log of p_i q_j / (r_i s_j) splits into log(p_i / r_i) + log(q_j / s_j); each "
         "part summed over the other index is multiplied by a total probability 1.",
    sample_right="2*(log(2)/2 + log(2/3)/2)",
    sample_wrong=sp.log(sp.Rational(4, 3)) / 2,
    mistakes=[
        (sp.log(sp.Rational(4, 3)) / 2, "that is KL(p || r) for one coin; the pair has two "
                                         "independent coins, and their divergences add"),
        (sp.log(sp.Rational(4, 3)) ** 2 / 4, "KL of a product is the sum of the divergences, "
                                              "not their product (the log turns the product "
                                              "of probabilities into a sum)"),
    ],
)

register(
    "ch03-ex6",
    kind="proof",
    solution_claim="kl.gibbs-terms",
    rtol=DECIMALS,
    question=("Prove Gibbs' inequality with its equality case: write KL(p || q) = "
              "sum_k p_k f(q_k / p_k) with f(u) = u - 1 - log u, and show f(u) >= 0 with "
              "equality only at u = 1. As a check, compute the first term p_1 f(q_1 / p_1) "
              "in nats for p = (1/3, 2/3) and q = (1/2, 1/2)."),
    answer=sp.Rational(1, 3) * (sp.Rational(3, 2) - 1 - sp.log(sp.Rational(3, 2))),
    hint="f(1) = 0 and f'(u) = 1 - 1/u changes sign at u = 1. For the check: u = q_1 / p_1 = "
         "3/2, and the term is weighted by p_1.",
    sample_right="1/6 - log(3/2)/3",
    sample_wrong="1/2 - log(3/2)",
    mistakes=[
        ("1/2 - log(3/2)", "that is f(3/2) alone; the term is weighted by p_1 = 1/3"),
        ("(2/3 - 1 - log(2/3))/3", "the ratio is q_1 / p_1 = 3/2, not p_1 / q_1"),
        ("log(2/3)/3", "that is the KL term p_1 log(p_1 / q_1); the gap form adds "
                       "q_1 - p_1 to it"),
        ("log(3/2)/3 - 1/6", "the sign is wrong: f(u) = u - 1 - log u is never negative"),
    ],
)


# ---------------------------------------------------------------------------
# coding task: KL with the zeros handled


def model_kl(p, q):
    """A model solution: KL(p || q) in nats for 1-d arrays. Terms with p_i = 0 count 0;
    a term with p_i > 0 = q_i makes the result inf (numpy's p/0 = inf gives it)."""
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    with np.errstate(divide="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0) / q), 0.0)
    return float(terms.sum())


def _kl_tests(fn) -> list[str]:
    failures = []
    half = sp.Rational(1, 2)
    cases = [
        ([0.5, 0.5], [0.25, 0.75], half * sp.log(2) + half * sp.log(sp.Rational(2, 3)),
         "wrong value for p = (1/2, 1/2), q = (1/4, 3/4): sum p_i log(p_i / q_i), in nats"),
        ([1.0, 0.0], [0.5, 0.5], sp.log(2), "a term with p_i = 0 contributes 0 (the limit of "
         "t log t as t -> 0); 0 * log(0) is nan in floating point: skip those terms"),
        ([0.5, 0.5], [1.0, 0.0], sp.oo, "q gives probability 0 to an outcome p can produce: "
         "KL is +inf (not nan, not an error)"),
        ([0.2, 0.3, 0.5], [0.2, 0.3, 0.5], sp.Integer(0), "KL(p || p) is exactly 0"),
        ([1 / 3, 1 / 3, 1 / 3], [0.5, 0.25, 0.25],
         sp.Rational(1, 3) * (sp.log(sp.Rational(2, 3)) + 2 * sp.log(sp.Rational(4, 3))),
         "wrong value for p uniform on three outcomes, q = (1/2, 1/4, 1/4)"),
    ]
    for p, q, exact, message in cases:
        pa, qa = np.array(p), np.array(q)
        before = (pa.copy(), qa.copy())
        with np.errstate(all="ignore"):
            try:
                got = float(fn(pa, qa))
            except (ValueError, ZeroDivisionError, FloatingPointError) as err:
                failures.append(f"kl({p}, {q}) raised {type(err).__name__}: {message}")
                continue
        if not (np.array_equal(pa, before[0]) and np.array_equal(qa, before[1])):
            failures.append("your function changed its inputs")
        want = float(sp.N(exact, 30)) if exact != sp.oo else np.inf
        ok = (got == want) if not np.isfinite(want) or want == 0 else (
            abs(got - want) <= 1e-13 * abs(want))
        if not ok:
            failures.append(f"kl({p}, {q}) returned {got!r}: {message}")
    return failures


register(
    "ch03-ex7",
    kind="coding",
    question=("Write kl(p, q) for two distributions given as 1-d numpy arrays: KL(p || q) in "
              "nats, with 0 log 0 = 0 and +inf when q misses part of p's support."),
    hint="compute p_i log(p_i / q_i) only where p_i > 0 (np.where, with a harmless value "
         "inside the logarithm elsewhere); p_i / 0 = inf then gives the infinite KL.",
    tests=_kl_tests,
    sample_right=model_kl,
    sample_wrong=lambda p, q: float(np.sum(np.asarray(p) * np.log(np.asarray(p) / q))),
)
