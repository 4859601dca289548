r"""Chapter 2 (Distance): the checked derivations.

The squared error as a loss (monotone, but only a relaxed triangle inequality);
the expansion of the squared Euclidean distance; the gradient of the
least-squares objective :math:`\lVert X\beta - y\rVert^2` (in matrix notation for an
n x 2 design whose entries are all symbols, checked for n = 2..6; and entry by entry
with sums over the n examples); the normal equations, their solution and the Hessian.
Steps given a concrete range (``n=...``) are first tried for symbolic n; the label
the engine reports (symbolic or concrete) is the one shown in the book.

The errors of source 000 in its least-squares derivation are entries of
:mod:`lossbook.errata` (``s000``); the checks that build this module's least-squares
problem stay here (a refuted step, or a product or sum of matrices whose shapes do
not match).

References: Heinzer (2020), "On Loss Functions - Part I", sections "Distance",
"L2 norm and linear regression" and "Intuitive properties of cross-entropy";
Bishop, *Pattern Recognition and Machine Learning* (2006), section 3.1.1.
"""

from __future__ import annotations

import sympy as sp

from ..derivation import Derivation, DerivationError, claim, rejects
from ._display import InOrder, Paren, Times

n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
xv = sp.IndexedBase("x", real=True)
yv = sp.IndexedBase("y", real=True)
SIZES = range(1, 7)


def _sum(term):
    return sp.Sum(term, (i, 1, n))


def concrete_problem(rows: int = 4, cols: int = 2):
    """Explicit X (rows x cols), beta (cols x 1), y (rows x 1) with real symbolic entries."""
    return (explicit(sp.MatrixSymbol("X", rows, cols)), explicit(sp.MatrixSymbol("beta", cols, 1)),
            explicit(sp.MatrixSymbol("y", rows, 1)))


def sum_of_squares(X, beta, y):
    """The least-squares objective (X beta - y)^T (X beta - y) as a scalar expression."""
    r = X * beta - y
    return (r.T * r)[0, 0]


# ---------------------------------------------------------------------------
# losses and the distance axioms


@claim("distance.loss-properties", chapter="ch02")
def squared_error_monotone() -> Derivation:
    r"""The squared error grows strictly with the distance to the target.

    If |x_1 - x_T| = d >= 0 and |x_2 - x_T| = d + delta with delta > 0, then
    l(x_2) - l(x_1) = (d + delta)^2 - d^2 = delta (2 d + delta) >= delta^2 > 0.
    The chain proves ">= delta^2"; the claim then asks SymPy's assumptions whether
    delta^2 is positive for the positive symbol delta (it raises if not), so the
    strict inequality is checked too.
    """
    d = sp.Symbol("d", nonnegative=True)
    delta = sp.Symbol("delta", positive=True)
    chain = (Derivation(InOrder((d + delta) ** 2, -d**2), name="distance.loss-properties")
             .step(Times(delta, InOrder(2 * d, delta)), "difference of two squares")
             .step(delta**2, r"drop $2d\delta \ge 0$; and $\delta^2 > 0$ as $\delta > 0$",
                   relation=">="))
    if chain.lines[-1].is_positive is not True:
        raise DerivationError("distance.loss-properties: the last line is not shown > 0")
    return chain


@claim("distance.sqrt-subadditive", chapter="ch02")
def sqrt_subadditive() -> Derivation:
    r"""(sqrt a + sqrt b)^2 >= a + b for a, b >= 0, so sqrt(a + b) <= sqrt a + sqrt b
    (the square root is increasing): sqrt|u - v| inherits the triangle inequality."""
    a, b = sp.symbols("a b", nonnegative=True)
    return (Derivation(InOrder(sp.sqrt(a), sp.sqrt(b)) ** 2, name="distance.sqrt-subadditive")
            .step(InOrder(a, b, 2 * sp.sqrt(a) * sp.sqrt(b)), "expand the square")
            .step(InOrder(a, b), r"$2\sqrt{a}\sqrt{b} \ge 0$", relation=">="))


@claim("distance.squared-relaxed-triangle", chapter="ch02")
def squared_relaxed_triangle() -> Derivation:
    r"""(a + b)^2 <= 2 a^2 + 2 b^2 (a = u - w, b = w - v): the squared error obeys the
    triangle inequality only up to a factor of two."""
    a, b = sp.symbols("a b", real=True)
    return (Derivation((a + b) ** 2, name="distance.squared-relaxed-triangle")
            .step(2 * a**2 + 2 * b**2 - (a - b) ** 2, r"$(a+b)^2 + (a-b)^2 = 2a^2 + 2b^2$")
            .step(2 * a**2 + 2 * b**2, r"drop $-(a-b)^2 \le 0$", relation="<="))


# ---------------------------------------------------------------------------
# Euclidean distance


@claim("euclidean.squared-expansion", chapter="ch02")
def euclidean_squared_expansion() -> Derivation:
    r"""||x - y||^2 = ||x||^2 - 2 x.y + ||y||^2 (for every n; n = 1..6 if only concretely)."""
    return (Derivation(_sum((xv[i] - yv[i]) ** 2), name="euclidean.squared-expansion")
            .step(_sum(xv[i] ** 2 - 2 * xv[i] * yv[i] + yv[i] ** 2), "expand each square",
                  n=(n, SIZES))
            .step(InOrder(_sum(xv[i] ** 2), -2 * _sum(xv[i] * yv[i]), _sum(yv[i] ** 2)),
                  "split the sum", n=(n, SIZES)))


@claim("euclidean.cauchy-schwarz", chapter="ch02")
def cauchy_schwarz() -> Derivation:
    r"""Lagrange's identity: ||x||^2 ||y||^2 - (x.y)^2 = (1/2) sum_i sum_j (x_i y_j - x_j y_i)^2
    >= 0, so (x.y)^2 <= ||x||^2 ||y||^2 (Cauchy-Schwarz). The identity is checked for
    n = 1..5 (SymPy cannot expand the double sum for symbolic n)."""
    j = sp.Symbol("j", integer=True, positive=True)
    # the inner sum inside a one-term InOrder, so that SymPy prints two sums, not one
    inner = InOrder(sp.Sum((xv[i] * yv[j] - xv[j] * yv[i]) ** 2, (j, 1, n)))
    return (Derivation(InOrder(Times(Paren(_sum(xv[i] ** 2)), Paren(_sum(yv[i] ** 2))),
                               -_sum(xv[i] * yv[i]) ** 2), name="euclidean.cauchy-schwarz")
            .step(Times(sp.Rational(1, 2), sp.Sum(inner, (i, 1, n))), "Lagrange's identity",
                  n=(n, range(1, 6)))
            .step(sp.Integer(0), "a sum of squares", relation=">="))


@claim("euclidean.triangle", chapter="ch02")
def euclidean_triangle() -> Derivation:
    r"""||a + b||^2 <= (||a|| + ||b||)^2 from a.b <= ||a|| ||b|| (Cauchy-Schwarz).

    The chain starts from the expansion ||a + b||^2 = ||a||^2 + 2 a.b + ||b||^2 (the
    chain ``euclidean.squared-expansion`` with y = -b); the norms and the inner product
    are symbols here, with Cauchy-Schwarz as the stated assumption. Taking square
    roots (increasing on [0, oo)) gives the triangle inequality of d_E.
    """
    na = sp.Symbol(r"\lVert a \rVert", nonnegative=True)
    nb = sp.Symbol(r"\lVert b \rVert", nonnegative=True)
    dot = sp.Symbol(r"a^{\top} b", real=True)
    return (Derivation(InOrder(na**2, 2 * dot, nb**2), name="euclidean.triangle",
                       assumptions=[dot <= na * nb])
            .step(InOrder(na**2, 2 * na * nb, nb**2),
                  r"Cauchy-Schwarz: $a^{\top} b \le \lVert a \rVert \lVert b \rVert$",
                  relation="<=")
            .step(InOrder(na, nb) ** 2, "a binomial square"))


# ---------------------------------------------------------------------------
# least squares
#
# The engine compares scalar expressions. A matrix identity is checked entry by entry
# by two display heads (they unfold like the heads of lossbook.symbolic): each shows a
# matrix expression in the notation of the text (X, beta, y as matrix symbols) and
# unfolds to sum_{r,c} M[r, c] e_{rc}, where M is the same expression with every
# matrix symbol written out as a matrix of real symbols and the e_{rc} are fixed
# symbols. Two such sums agree as functions of the e_{rc} iff the matrices agree
# entry by entry, so the check is exact.

_BASIS: dict[tuple[int, int], sp.Symbol] = {}


def _basis(r: int, c: int) -> sp.Symbol:
    if (r, c) not in _BASIS:
        _BASIS[(r, c)] = sp.Symbol(f"entry_{r + 1}_{c + 1}", real=True)
    return _BASIS[(r, c)]


def explicit(expr):
    """``expr`` with every matrix symbol (of concrete shape) written out as a matrix of
    real symbols ``X_11, X_12, ...``, evaluated to an explicit matrix."""
    def write_out(M):
        rows, cols = int(M.shape[0]), int(M.shape[1])
        name = M.name
        if cols == 1:
            return sp.ImmutableMatrix(rows, 1, lambda r, _: sp.Symbol(f"{name}_{r + 1}",
                                                                      real=True))
        return sp.ImmutableMatrix(rows, cols, lambda r, c: sp.Symbol(f"{name}_{r + 1}{c + 1}",
                                                                     real=True))

    symbols = {M: write_out(M) for M in expr.atoms(sp.MatrixSymbol)}
    out = expr.xreplace(symbols).doit()
    return sp.ImmutableMatrix(out) if isinstance(out, sp.MatrixBase | sp.MatrixExpr) else out


def _encode(M) -> sp.Expr:
    M = sp.ImmutableMatrix(M)
    return sp.Add(*[M[r, c] * _basis(r, c) for r in range(M.rows) for c in range(M.cols)])


def _top(latex: str) -> str:
    """Print the transpose as in the text, X^{\\top} rather than SymPy's X^{T}."""
    return latex.replace("^{T}", r"^{\top}")


def _concrete_shapes(*exprs) -> bool:
    """True when every matrix symbol in ``exprs`` has integer dimensions."""
    return all(M.shape[0].is_Integer and M.shape[1].is_Integer
               for e in exprs for M in e.atoms(sp.MatrixSymbol))


class Mat(sp.Function):
    r"""Shows a matrix expression as written; checked entry by entry (see above).

    While a dimension is still a symbol (before the engine substitutes a concrete n)
    it stays unevaluated, so it can only equal an identical expression.
    """

    nargs = 1

    def unfold(self):
        if not _concrete_shapes(*self.args):
            return self
        return _encode(explicit(self.args[0]))

    def _latex(self, printer):
        return _top(printer._print(self.args[0]))


class MatTerms(sp.Function):
    r"""``MatTerms(A, B, ...)`` shows the matrix sum :math:`A + B + \dots` in the order
    given (SymPy would sort the terms); checked as ``Mat(A + B + ...)``."""

    def unfold(self):
        return Mat(sp.MatAdd(*self.args, evaluate=False)).unfold()

    def _latex(self, printer):
        out = ""
        for index, term in enumerate(self.args):
            text = _top(printer._print(term))
            negative = text.startswith("-")
            body = text[1:].lstrip() if negative else text
            out += ("- " if negative else "") + body if index == 0 else (
                (" - " if negative else " + ") + body)
        return out


def _scalar(expr):
    """The entry of a 1 x 1 matrix (after writing it out)."""
    value = explicit(expr)
    return value[0, 0] if isinstance(value, sp.MatrixBase) else value


class Grad(sp.Function):
    r"""``Grad(f, beta)`` shows :math:`\nabla_\beta f` for a 1 x 1 matrix expression f;
    unfolds to the column of partial derivatives, entry by entry."""

    nargs = 2

    def unfold(self):
        if not _concrete_shapes(*self.args):
            return self
        f = _scalar(self.args[0])
        params = explicit(self.args[1])
        return _encode(sp.Matrix([sp.diff(f, v) for v in params]))

    def _latex(self, printer):
        f, wrt = (printer._print(a) for a in self.args)
        return _top(rf"\nabla_{{{wrt}}}\left({f}\right)")


class Hess(sp.Function):
    r"""``Hess(f, beta)`` shows :math:`\nabla^2_\beta f`; unfolds to the Hessian matrix."""

    nargs = 2

    def unfold(self):
        if not _concrete_shapes(*self.args):
            return self
        f = _scalar(self.args[0])
        return _encode(sp.hessian(f, list(explicit(self.args[1]))))

    def _latex(self, printer):
        f, wrt = (printer._print(a) for a in self.args)
        return _top(rf"\nabla^{{2}}_{{{wrt}}}\left({f}\right)")


def _squared_norm(r):
    """r^T r for a column r, kept as written (SymPy would distribute the transpose)."""
    return sp.MatMul(sp.Transpose(r), r, evaluate=False)


FEATURES = 2
ROWS = range(2, 7)
#: The number of features (columns of X): the chains below are written for FEATURES of
#: them, and say so (``fixed={m: 2}`` labels every step "m = 2").
m = sp.Symbol("m", integer=True, positive=True)
TWO_FEATURES = {m: FEATURES}
X = sp.MatrixSymbol("X", n, FEATURES)
beta = sp.MatrixSymbol("beta", FEATURES, 1)
y = sp.MatrixSymbol("y", n, 1)


@claim("least-squares.gradient", chapter="ch02")
def least_squares_gradient() -> Derivation:
    r"""grad_beta ||X beta - y||^2 = 2 X^T X beta - 2 X^T y, step by step.

    X is n x 2, checked with every entry a separate symbol for each n = 2..6.
    """
    return (Derivation(Grad(_squared_norm(X * beta - y), beta), name="least-squares.gradient",
                       fixed=TWO_FEATURES)
            .step(Grad(beta.T * X.T * X * beta - beta.T * X.T * y - y.T * X * beta + y.T * y,
                       beta),
                  r"multiply out; a gradient ignores the constant $y^{\top}y$, whose "
                  r"sign the note below checks",
                  n=(n, ROWS))
            .step(Grad(beta.T * X.T * X * beta - 2 * y.T * X * beta + y.T * y, beta),
                  r"$\beta^{\top}X^{\top}y = y^{\top}X\beta$", n=(n, ROWS))
            .step(Mat(2 * X.T * X * beta - 2 * X.T * y),
                  "differentiate each term", n=(n, ROWS)))


# Entry by entry, for any number m of features: X = (x_{il}) is n x m, beta = (beta_l).
j, col = sp.symbols("j k", integer=True, positive=True)
ell = sp.Symbol("l", integer=True, positive=True)
beta_v = sp.IndexedBase("beta", real=True)
FEATURE_COUNTS = range(1, 4)


def _prediction():
    r""":math:`\sum_{l=1}^{m} x_{il} \beta_l`, the i-th entry of X beta."""
    return sp.Sum(xv[i, ell] * beta_v[ell], (ell, 1, m))


def _gradient_entry():
    r"""Entry j of the gradient: 2 sum_l (X^T X)_{jl} beta_l - 2 (X^T y)_j."""
    gram = sp.Sum(xv[i, j] * xv[i, ell], (i, 1, n))
    return InOrder(2 * sp.Sum(Times(Paren(gram), beta_v[ell]), (ell, 1, m)),
                   -2 * _sum(xv[i, j] * yv[i]))


@claim("least-squares.gradient-entrywise", chapter="ch02")
def least_squares_gradient_entrywise() -> Derivation:
    r"""Entry j of grad ||X beta - y||^2, with sums over the n examples and m features.

    d/d beta_j sum_i (sum_l x_il beta_l - y_i)^2 = 2 sum_l (sum_i x_ij x_il) beta_l
    - 2 sum_i x_ij y_i = 2 (X^T X beta)_j - 2 (X^T y)_j. The number of examples n stays
    a symbol (every n); the features are written out for m = 1, 2, 3 and every j <= m.
    """
    residual = InOrder(_prediction(), -yv[i])
    return (Derivation(sp.Derivative(_sum(residual**2), beta_v[j]),
                       name="least-squares.gradient-entrywise")
            .step(_sum(Times(2, Paren(residual), xv[i, j])),
                  r"chain rule: $\partial \beta_l / \partial \beta_j$ is 1 for $l = j$, else 0",
                  n=(m, FEATURE_COUNTS))
            .step(_gradient_entry(), "multiply out and swap the two sums",
                  n=(m, FEATURE_COUNTS)))


@claim("least-squares.hessian-entrywise", chapter="ch02")
def least_squares_hessian_entrywise() -> Derivation:
    r"""Entry (j, k) of the Hessian: d/d beta_k of gradient entry j is 2 sum_i x_ij x_ik
    = 2 (X^T X)_{jk}; every n, m = 1..3 features (all j, k <= m)."""
    return (Derivation(_gradient_entry(), name="least-squares.hessian-entrywise")
            .step(2 * _sum(xv[i, j] * xv[i, col]), r"only the term $l = k$ contains $\beta_k$",
                  relation="d/dx", wrt=beta_v[col], n=(m, FEATURE_COUNTS)))


@claim("least-squares.normal-equations", chapter="ch02")
def least_squares_normal_equations() -> Derivation:
    r"""beta_hat = (X^T X)^{-1} X^T y zeroes the gradient (X is n x 2; n = 2..4 if concretely).

    Needs X^T X invertible, i.e. X of full column rank; then beta_hat is the only
    zero of the gradient and, the Hessian 2 X^T X being positive definite, the
    unique minimiser.
    """
    gram = sp.MatMul(X.T, X, evaluate=False)
    product = sp.MatMul(2, gram, sp.Inverse(gram), X.T, y, evaluate=False)
    return (Derivation(Mat(sp.MatAdd(product, -2 * X.T * y, evaluate=False)),
                       name="least-squares.normal-equations", fixed=TWO_FEATURES)
            .step(MatTerms(2 * X.T * y, -2 * X.T * y),
                  r"$(X^{\top}X)(X^{\top}X)^{-1} = I$",
                  n=(n, range(2, 5)))
            .step(Mat(sp.ZeroMatrix(FEATURES, 1)), "cancel", n=(n, range(2, 5))))


@claim("least-squares.hessian", chapter="ch02")
def least_squares_hessian() -> Derivation:
    r"""The Hessian of ||X beta - y||^2 is 2 X^T X (X is n x 2, n = 2..6)."""
    return (Derivation(Hess(_squared_norm(X * beta - y), beta), name="least-squares.hessian",
                       fixed=TWO_FEATURES)
            .step(Mat(2 * X.T * X), "differentiate the gradient",
                  n=(n, ROWS)))


# ---------------------------------------------------------------------------
# checks of source 000's errors used by lossbook.errata.s000 (they build this
# module's least-squares problem)



def _source_first_line() -> bool:
    # The source differentiates "(X beta y)^T (X beta - y)": the minus sign is lost, and
    # X beta y multiplies a 4 x 1 column by a 4 x 1 column, which is undefined.
    X, beta, y = concrete_problem(4, 2)
    return rejects(lambda: (X * beta * y).T * (X * beta - y), sp.ShapeError)


def _source_expansion_sign() -> bool:
    # The expansion is stated with "- y^T y"; the square of -y gives + y^T y.
    X, beta, y = concrete_problem(4, 2)
    stated = (beta.T * X.T * X * beta - beta.T * X.T * y - y.T * X * beta - y.T * y)[0, 0]
    return rejects(lambda: Derivation(sum_of_squares(X, beta, y)).step(stated, "as stated"))


def _source_row_minus_column() -> bool:
    # "2 X^T X beta - X^T y - y^T X": X^T y is a 2 x 1 column and y^T X a 1 x 2 row.
    X, beta, y = concrete_problem(4, 2)
    return rejects(lambda: 2 * X.T * X * beta - X.T * y - y.T * X, sp.ShapeError)
