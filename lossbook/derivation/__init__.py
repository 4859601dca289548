r"""Machine-checked derivations: a chain of expressions, each step proved by SymPy.

A :class:`Derivation` starts at an expression; every :meth:`Derivation.step` gives the
next line, the reason for it, and how it relates to the line before. The step is
appended only if SymPy proves the relation; otherwise :class:`DerivationError`
(an ``AssertionError``) is raised with both sides and the simplified difference. When
the step is shown *false* the error is a :class:`Refuted`: a counterexample that
satisfies every assumption (confirmed at 60 digits, see :mod:`.search`) or a computed
limit that differs. A plain DerivationError means only "not proved".

Refutation: :func:`rejects` (used by the errata) is True only on a refutation (or on
an exception type the caller names, e.g. ``ShapeError``); when a build fails without
one it raises :class:`NotRefuted`, so a check resting on "SymPy could not prove it"
fails with that message.

Relations (``relation=``):

``"="`` (default)
    the new line equals the previous one. Strategies, fastest first: the difference is
    literally 0; ``expand``; exponentials turned into rational functions
    (``exp(a+b) -> exp(a) exp(b)``, ``exp(-x) -> 1/exp(x)``) then ``cancel``; if none
    of those works, a numeric counterexample search (which can only *reject*); then
    ``expand_log``/``logcombine`` (``force`` only when every log argument is provably
    positive), case splits on ``Max``/``Min``/``Abs`` of symbols, ``simplify``,
    ``rewrite(exp)``, and ``Expr.equals`` (which answers True only from a proof).
``"<="`` / ``">="``
    ``"<="`` means *previous <= new* and ``">="`` means *previous >= new*, as the
    aligned chain reads (``a &\le b``). Proved by showing the gap is nonnegative with
    SymPy's assumptions
    (``is_nonnegative`` of normal forms, the sign of numerator and denominator,
    ``log A >= 0`` from ``A - 1 >= 0``), after case splits on ``Max``/``Min`` and after
    applying the :class:`Lemma` objects passed as ``lemma=``. A lemma such as
    :data:`LOG_LE_X_MINUS_1` (:math:`\log u \le u - 1` for :math:`u > 0`) is itself
    proved when it is built (a convex function at its stationary point, or a monotone
    function from its end point); applying it replaces each matching atom
    ``log(w)`` (with ``w`` provably positive) by ``w - 1 - S_w`` with a fresh slack
    ``S_w >= 0`` (``S[k]`` inside a sum over k): an exact identity, so the proof stays
    a proof. Nothing else is assumed: an inequality SymPy cannot sign fails.
``"~"`` with ``limit=(symbol, point)`` (optionally ``approx="ratio"``)
    an approximation: ``limit(previous - new, symbol, point) == 0`` (or the ratio
    tends to 1). Shown as :math:`\approx` with the limit stated.
``"d/dx"`` with ``wrt=x``
    the new line is the derivative of the previous line with respect to ``x``
    (``Derivative(previous, x).doit()`` must equal the new line as for ``"="``).

Dimensions: ``n=(n_symbol, range(2, 7))`` checks the step for every concrete
``n`` in the range (any integer symbol and nonnegative values will do, e.g. a label
``(z, (0, 1))``, labelled ``concrete z=0,1``), and for every value 1..n of each integer
symbol used as an index (in ``x[i]`` or ``KroneckerDelta(i, j)``): sums are written out
with ``.doit()`` and ``x[3]`` becomes a plain symbol with the IndexedBase's assumptions. Before the
concrete checks the step is tried once symbolically (cheap strategies only); if that
proves it, the step is ``symbolic``, otherwise it is labelled ``concrete n=2..6``,
never "proved". A rewrite never maps an expression that depends on a summation index
to a single symbol.

Assumptions (``Derivation(..., assumptions=...)``): a SymPy boolean or a list of them.
``Q.positive(x)`` (also ``nonnegative``, ``negative``, ``nonpositive``, ``real``,
``integer``) and ``x > 0`` style relations replace ``x`` by a symbol carrying the
assumption (``Q.positive(p)`` for an IndexedBase ``p`` covers every entry);
an equation such as ``Eq(Sum(p[k], (k, 1, n)), 1)`` is used by solving it for one
symbol and substituting (checked per concrete ``n``); other inequalities are used by
introducing a nonnegative slack. The numeric counterexample search only samples
points that satisfy the assumptions: a size still symbolic is replaced by small
concrete sizes, and the entries of a vector summing to one are drawn on the simplex.

Labels: a step is ``symbolic`` (for every value its assumptions allow), ``by value``
(both sides held integrals and SymPy compared their evaluated values, not the
integrands), ``concrete n=2..6`` (for those sizes only; ``Derivation(...,
fixed={m: 2})`` adds the sizes a chain is written for, e.g. two feature columns:
``concrete n=2..6, m=2``) or ``numeric`` (:meth:`Derivation.numeric`: random points
only, never shown as a proof). The displayed line and the text form say the same
(:meth:`Step.check_notes`). ``Derivation.method`` is the weakest label of its steps:
``symbolic`` > ``by value`` > ``concrete ...`` > ``numeric``; for concrete steps
it names the sizes every step was checked for.

Display: :meth:`Derivation.latex` gives one ``aligned`` block, one line a step with
its reason (``&= ... && \text{(reason)}``), using only macros MathJax 3's default TeX
packages define; in Jupyter a Derivation renders as math (``_repr_latex_``).

Registry: ``@claim(id, chapter="chNN")`` registers a zero-argument function that
builds (and so checks) a Derivation; :mod:`lossbook.chains` discovers the chain
modules and ``python -m lossbook verify`` re-checks every claim.

The package, one module a job (read them in this order):

``chain``
    :class:`Derivation` and :class:`Step`: appending a step runs its check; ``rejects``.
``instances``
    from a step to concrete checks: unfolding, sums written out, assumptions applied.
``strategies``
    the proof strategies (equality, inequality) and :class:`Lemma`.
``search``
    the numeric counterexample search (it only ever rejects).
``layout``
    the LaTeX and plain-text display of a chain.
``registry``
    ``@claim`` and :func:`registered_claims`.
``budget``, ``errors``
    the time limits (set ``budget.STRATEGY_SECONDS`` etc. on that module) and
    :class:`DerivationError`.
"""

from __future__ import annotations

from . import budget
from .budget import CHECK_SECONDS, STRATEGY_SECONDS, USE_COUNTEREXAMPLES, _attempt
from .chain import Derivation, Step, rejects
from .errors import DerivationError, NotRefuted, Refuted
from .instances import _apply_constraints
from .registry import _REGISTRY, Claim, claim, registered_claims
from .search import _evaluate, counterexample, sample_points
from .strategies import EXP_GE_ONE_PLUS_X, EXP_LE_ONE, LOG_LE_X_MINUS_1, Lemma

__all__ = [
    "Derivation",
    "DerivationError",
    "Refuted",
    "NotRefuted",
    "Lemma",
    "Step",
    "Claim",
    "claim",
    "registered_claims",
    "rejects",
    "LOG_LE_X_MINUS_1",
    "EXP_LE_ONE",
    "EXP_GE_ONE_PLUS_X",
]

# Re-exported for the tests and tools that use them (tests/mutants.py, tests/test_derivation.py).
_PRIVATE = (budget, CHECK_SECONDS, STRATEGY_SECONDS, USE_COUNTEREXAMPLES, _attempt,
            _apply_constraints, _REGISTRY, _evaluate, counterexample, sample_points)
