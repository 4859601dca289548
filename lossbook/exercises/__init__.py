r"""Self-check for the book's exercises: ``check(exercise_id, answer)``.

A student works an exercise on paper, then asks the library whether the answer is
right::

    >>> import lossbook as lb
    >>> lb.exercises.check("ch01-ex1", "log(2)/log(10)")          # doctest: +SKIP
    CheckResult(correct=True, ...)

How answers are compared:

- **formulas** (the registered answer is a SymPy expression with free symbols):
  the student's answer may be a SymPy expression or a string. Strings are parsed
  with :func:`sympy.parse_expr` using *the exercise's own symbols* (so their
  assumptions, such as ``positive=True``, apply), the usual functions (``exp``,
  ``log``, ``sqrt``, ...), the book's ``sigma``/``sigmoid``, ``softplus``/``zeta``
  and ``relu``, and ``^`` as a power. A name the exercise does not know is
  rejected with a message naming it. Two formulas agree when SymPy simplifies
  their difference to 0; if SymPy cannot decide, they are compared numerically
  at fixed points and the message says so.
- **numbers** (an int, float, or a SymPy expression with no free symbols):
  within ``rtol``/``atol`` (``abs(a - b) <= atol + rtol * abs(b)``); strings
  such as ``"log(2)"`` are accepted too.
- **arrays / matrices** (a list, tuple, numpy array or SymPy Matrix): same shape,
  then element by element as above.
- **booleans** and **words** (``True``, ``"symmetry"``): equal (words ignore case
  and surrounding spaces).

Typed answers may use the minus sign copied from the page (U+2212), ``×`` or ``·`` for
a product, and plain space-separated numbers for a vector (``"0.3 0.5 0.2"``).

A wrong answer's message names the mistake when ``check`` recognises it: first the
exercise's own ``mistakes``, then the common ones any answer can show (a sign slip;
bits where nats are asked, or nats where bits are, or base-10 logarithms; two symbols
of a formula swapped; a vector's entries reversed or in another order; the right
value rounded to three digits or fewer; for a coding task, a function that passes
with its two first arguments swapped, its result negated or converted between bits
and nats). Otherwise the message is the exercise's hint. ``check`` prints nothing;
the returned :class:`CheckResult` is truthy when the answer is right and renders as
one short sentence in Jupyter. A right answer is recorded in the student's progress
file (:mod:`lossbook.progress`; ``python -m lossbook exercises`` lists them).

- **coding tasks** (``kind="coding"``): the answer is the student's function;
  ``tests(fn)`` (registered with the exercise) runs it on cases of its own and returns
  a list of failure messages (empty: correct). An exception raised by the student's
  function is reported as a failure, never propagated.

Every exercise has a ``kind``: ``"computation"`` (a value or a formula),
``"proof"`` (the model solution is the checked derivation ``solution_claim``; an
``answer`` is optional and, if given, is the result the proof arrives at) or
``"coding"``. ``mistakes`` lists anticipated wrong answers, each with the message
that names the mistake (swapped arguments, bits instead of nats, a sign slip, ...):
when a wrong answer matches one, ``check`` says which mistake it sees instead of the
generic hint.

Exercises are registered in per-chapter modules ``lossbook/exercises/chNN.py``
with :func:`register`; they are discovered automatically on first use. Each
registration stores a right and a wrong sample answer (``sample_right``,
``sample_wrong``) so the test suite checks every exercise both ways.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from dataclasses import dataclass, field, replace
from typing import Any

__all__ = ["CheckResult", "Exercise", "register", "check", "ids", "get"]

_ID = re.compile(r"^ch\d\d-ex\d+$")
_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


@dataclass(frozen=True)
class CheckResult:
    """The verdict on one answer: truthy iff ``correct``; ``message`` says why."""

    exercise_id: str
    correct: bool
    message: str

    def __bool__(self) -> bool:
        return self.correct

    def __str__(self) -> str:
        return self.message

    def _repr_markdown_(self) -> str:
        mark = "✓" if self.correct else "✗"  # in every common font, unlike emoji
        return f"{mark} **{self.exercise_id}**: {self.message}"


@dataclass(frozen=True)
class Exercise:
    """One registered exercise (see :func:`register`)."""

    id: str
    answer: Any
    hint: str
    symbols: tuple = ()
    rtol: float = 1e-6
    atol: float = 1e-12
    sample_right: Any = None
    sample_wrong: Any = None
    question: str = ""
    functions: dict = field(default_factory=dict)
    kind: str = "computation"
    mistakes: tuple = ()
    tests: Any = None
    solution_claim: str | None = None

    @property
    def answer_kind(self) -> str:
        """``"formula"``, ``"number"``, ``"array"``, ``"bool"``, ``"word"`` or ``"function"``."""
        return "function" if self.kind == "coding" else _kind(self.answer)

    def __repr__(self) -> str:  # never shows the answer (a student may print it)
        return f"Exercise({self.id!r}, kind={self.kind!r}, question={self.question!r})"


KINDS = ("computation", "proof", "coding")


def register(exercise_id: str, *, answer=None, hint: str, symbols=(), rtol: float = 1e-6,
             atol: float = 1e-12, sample_right=None, sample_wrong=None, question: str = "",
             functions: dict | None = None, kind: str = "computation", mistakes=(),
             tests=None, solution_claim: str | None = None) -> Exercise:
    """Register an exercise and return it.

    ``exercise_id`` has the form ``"chNN-exK"``. ``kind`` is ``"computation"``,
    ``"proof"`` or ``"coding"``.

    * ``answer`` is the right answer (a SymPy expression, a number, an array/Matrix,
      a bool or a word); required unless ``kind="coding"``, optional for a proof
      (the result the proof arrives at, so the student can check it).
    * ``hint`` is shown when an answer is wrong and matches no listed mistake.
    * ``mistakes`` is a sequence of ``(wrong_answer, message)`` pairs: an answer that
      matches ``wrong_answer`` (compared like ``answer``) gets ``message``, which
      should name the mistake ("the arguments are swapped: ...").
    * ``tests`` (coding only) is a callable ``tests(fn) -> list[str]`` returning the
      failures of the student's function ``fn`` (empty list: correct).
    * ``solution_claim`` (proof only, required there) is the id of the registered
      claim whose checked derivation is the model solution.
    * ``symbols`` are the SymPy symbols a formula may use (strings are parsed with
      them); ``functions`` adds names a string answer may call.
    * ``sample_right`` (default: ``answer`` itself, as a string for formulas) and
      ``sample_wrong`` are stored for the tests: the first must be accepted, the
      second rejected. For coding tasks both are functions.
    """
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise ValueError(f"exercise_id must look like 'ch01-ex2'; got {exercise_id!r}")
    if exercise_id in _REGISTRY:
        raise ValueError(f"exercise {exercise_id!r} is registered twice")
    if not hint:
        raise ValueError(f"exercise {exercise_id!r}: a hint is required")
    if kind not in KINDS:
        raise ValueError(f"exercise {exercise_id!r}: kind must be one of {KINDS}; got {kind!r}")
    if kind == "coding":
        if not callable(tests):
            raise ValueError(f"exercise {exercise_id!r}: a coding task needs tests=callable")
        if not (callable(sample_right) and callable(sample_wrong)):
            raise ValueError(f"exercise {exercise_id!r}: a coding task needs sample_right and "
                             "sample_wrong functions")
    else:
        if tests is not None:
            raise ValueError(f"exercise {exercise_id!r}: tests= is only for kind='coding'")
        if answer is None and kind == "computation":
            raise ValueError(f"exercise {exercise_id!r}: a computation needs an answer")
    if kind == "proof" and not solution_claim:
        raise ValueError(f"exercise {exercise_id!r}: a proof needs solution_claim=<claim id>")
    mistakes = tuple((wrong, str(msg)) for wrong, msg in mistakes)
    symbols = tuple(symbols)
    if sample_right is None and answer is not None:
        sample_right = str(answer) if _kind(answer) == "formula" else answer
    ex = Exercise(exercise_id, answer, hint, symbols, float(rtol), float(atol), sample_right,
                  sample_wrong, question, dict(functions or {}), kind, mistakes, tests,
                  solution_claim)
    _REGISTRY[exercise_id] = ex
    return ex


def _load() -> None:
    """Import every ``lossbook/exercises/ch*.py`` once (they call :func:`register`)."""
    global _LOADED
    if _LOADED:
        return
    _LOADED = True
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("ch"):
            importlib.import_module(f"{__name__}.{info.name}")


def ids() -> list[str]:
    """All registered exercise ids, sorted by chapter and number."""
    _load()

    def key(i):
        ch, ex = i.split("-ex")
        return (ch, int(ex))

    return sorted(_REGISTRY, key=key)


def get(exercise_id: str) -> Exercise:
    """The registered :class:`Exercise` with this id (``ValueError`` if unknown)."""
    _load()
    try:
        return _REGISTRY[exercise_id]
    except KeyError:
        known = ", ".join(ids()) or "none"
        raise ValueError(f"unknown exercise id {exercise_id!r}; known ids: {known}") from None


def check(exercise_id: str, answer) -> CheckResult:
    """Check ``answer`` against exercise ``exercise_id``; returns a :class:`CheckResult`."""
    ex = get(exercise_id)
    if ex.answer is None and ex.kind == "proof":
        return CheckResult(ex.id, False, f"This proof has no single answer to check; compare "
                                         f"your steps with the solution (claim "
                                         f"{ex.solution_claim!r}, `lb.chain(...)`).")
    try:
        ok, detail = _COMPARE[ex.answer_kind](ex, answer)
    except _Unreadable as err:
        return CheckResult(ex.id, False, str(err))
    if ok:
        from .. import progress

        progress.record(ex.id)
        return CheckResult(ex.id, True, "Correct." + (f" {detail}" if detail else ""))
    for wrong, message in ex.mistakes:
        if _matches(ex, wrong, answer):
            return CheckResult(ex.id, False, f"Not yet: {message}")
    seen = _generic_mistake(ex, answer)
    if seen:
        return CheckResult(ex.id, False, f"Not yet: {seen}")
    return CheckResult(ex.id, False, f"Not yet. Hint: {ex.hint}" + (f" ({detail})"
                                                                     if detail else ""))


def _matches(ex: Exercise, wrong, answer) -> bool:
    """Does ``answer`` equal the anticipated wrong answer ``wrong``? For a coding task
    ``wrong`` is a wrong implementation: the student's function matches it when the
    exercise's tests fail for both in the same way (same cases, same values)."""
    if ex.kind == "coding":
        if not (callable(wrong) and callable(answer)):
            return False
        try:
            theirs, mine = list(ex.tests(wrong)), list(ex.tests(answer))
        except Exception:  # noqa: BLE001 - a function that raises matches no mistake
            return False
        return bool(theirs) and theirs == mine
    if isinstance(wrong, str) and ex.answer_kind != "word":
        # A mistake written as text is a formula, compared as the answer is (so that
        # "s**2/2 - log(s)" matches a student's "s^2/2-log(s)"), not character by character.
        try:
            wrong = _parse(ex, wrong)
        except _Unreadable:
            return False
    probe = replace(ex, answer=wrong, kind="computation")
    try:
        return bool(_COMPARE[probe.answer_kind](probe, answer)[0])
    except (_Unreadable, TypeError, ValueError):
        return False


# ---------------------------------------------------------------------------
# common mistakes, recognised for every exercise

_BITS = ("your answer is the right value divided by log 2: it is in bits, and the "
         "exercise asks for nats (natural logarithms; log2(x) = log(x) / log(2))")
_NATS = ("your answer is the right value times log 2: it is in nats, and the exercise asks "
         "for bits (log base 2; log2(x) = log(x) / log(2))")
_DECIMAL = ("your answer is the right value divided by log 10: it uses base-10 logarithms "
            "where the exercise uses natural ones")
_SIGN = "the sign is wrong: your answer is the negative of the right one"


def _generic_mistake(ex: Exercise, answer) -> str | None:
    """Name a mistake that any exercise can show: a sign slip, bits instead of nats,
    swapped symbols, entries in the wrong order, a value rounded too far; for a coding
    task, a function that would pass with its arguments swapped or its result negated
    or converted between bits and nats. None if none of these explains the answer."""
    import sympy as sp

    kind = ex.answer_kind
    if kind == "function":
        return _function_mistake(ex, answer)
    if kind not in ("number", "formula", "array"):
        return None
    expected = sp.Matrix(ex.answer) if kind == "array" else sp.sympify(ex.answer)
    if kind == "array" and expected.shape[1] != 1 and expected.shape[0] == 1:
        expected = expected.T
    if (expected.is_zero_matrix if kind == "array" else expected.is_zero):
        return None
    candidates = [(-expected, _SIGN), (expected / sp.log(2), _BITS),
                  (expected * sp.log(2), _NATS), (expected / sp.log(10), _DECIMAL)]
    if kind != "array":
        candidates.append((1 / expected, "your answer is the reciprocal of the right one "
                                         "(a fraction upside down?)"))
    if kind == "formula":
        symbols = sorted(expected.free_symbols, key=str)
        for i, a in enumerate(symbols):
            for b in symbols[i + 1:]:
                swapped = expected.subs({a: b, b: a}, simultaneous=True)
                if sp.simplify(swapped - expected) != 0:
                    candidates.append((swapped, f"{a} and {b} are swapped (the arguments "
                                                f"are in the wrong order)"))
    if kind == "array" and len(expected) > 1:
        reverse = sp.Matrix(list(expected)[::-1])
        if reverse != expected:
            candidates.append((reverse, "the entries are right but in reverse order"))
    for wrong, message in candidates:
        if _matches(ex, wrong, answer):
            return message
    if kind == "array":
        return _array_order_or_rounding(ex, expected, answer)
    if kind == "number":
        # The right value or one of the mistakes above, rounded too far.
        for value, message in [(expected, None), *candidates]:
            rounded = _rounding(ex, value, answer)
            if rounded:
                return (f"that is the right value, {rounded}" if message is None
                        else f"{message} (and {rounded})")
    return None


def _significant_digits(answer) -> int | None:
    """How many significant digits a decimal answer was written with (None: exact)."""
    text = answer if isinstance(answer, str) else repr(answer) if isinstance(answer, float) \
        else None
    if text is None:
        return None
    m = re.fullmatch(r"\s*[-+]?(\d*)\.?(\d*)(?:[eE][-+]?\d+)?\s*", _normalise(text))
    if not m or "." not in text and "e" not in text.lower():
        return None
    digits = (m.group(1) + m.group(2)).lstrip("0")
    return len(digits) or 1


def _rounding(ex: Exercise, expected, answer) -> str | None:
    """The right value, rounded to fewer digits than the exercise accepts."""
    import math

    digits = _significant_digits(answer)
    if digits is None or not 2 <= digits <= 4:  # one digit matches too much by chance
        return None
    try:
        given, exact = _numeric_value(ex, answer), _numeric_value(ex, expected)
    except _Unreadable:
        return None
    if given.imag or exact.imag or not exact.real:
        return None
    unit = 10 ** (math.floor(math.log10(abs(exact.real))) - digits + 1)
    if abs(given.real - exact.real) <= 0.5 * unit * (1 + 1e-9):
        return (f"rounded to {digits} significant digits: give at least {digits + 1} "
                "digits, or an exact expression (fractions, log, sqrt, ...)")
    return None


def _array_order_or_rounding(ex: Exercise, expected, answer) -> str | None:
    import itertools

    import sympy as sp

    items = list(expected)
    if len(items) <= 6:
        for perm in itertools.permutations(range(len(items))):
            if list(perm) == sorted(perm):
                continue
            shuffled = sp.Matrix([items[k] for k in perm])
            if shuffled != expected and _matches(ex, shuffled, answer):
                return ("the entries are right but in the wrong order; keep the order of the "
                        "question (the first entry first)")
    # Each entry as the student wrote it (a string keeps its digits: "1.17").
    if isinstance(answer, str):
        given = [t.strip() for t in _normalise(answer).strip("[]() ").split(",")]
    else:
        try:
            given = list(answer)
        except TypeError:
            return None
    if len(given) != len(items):
        return None
    rounded = [_rounding(replace(ex, answer=e), e, g) for e, g in zip(items, given, strict=True)]
    if any(rounded) and all(r or _matches(replace(ex, answer=e), e, g)
                            for r, e, g in zip(rounded, items, given, strict=True)):
        return "the entries are right but " + next(r for r in rounded if r)
    return None


def _function_mistake(ex: Exercise, fn) -> str | None:
    """A coding answer that would pass with a simple change names that change."""
    import inspect

    import numpy as np

    if not callable(fn):
        return None
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    variants = []
    if len(params) >= 2:
        variants.append((lambda *a, **k: fn(a[1], a[0], *a[2:], **k),
                         f"your function would pass with its first two arguments swapped: "
                         f"it reads {params[0].name!r} as the second argument"))
    variants += [
        (lambda *a, **k: np.negative(fn(*a, **k)),
         "your function returns the negative of the right value (a sign slip)"),
        (lambda *a, **k: np.multiply(fn(*a, **k), np.log(2)),
         "your function returns bits (log base 2); the tests expect nats (natural log)"),
        (lambda *a, **k: np.divide(fn(*a, **k), np.log(2)),
         "your function returns nats (natural log); the tests expect bits (log base 2)"),
    ]
    for variant, message in variants:
        try:
            if not list(ex.tests(variant)):
                return message
        except Exception:  # noqa: BLE001, S112 - a variant that fails differently: not it
            continue
    return None


# ---------------------------------------------------------------------------
# comparison machinery


class _Unreadable(Exception):
    """The answer could not be read (bad syntax, unknown name, wrong shape or type)."""


def _is_sympy(obj) -> bool:
    import sympy as sp

    return isinstance(obj, sp.Basic | sp.MatrixBase)


def _kind(answer) -> str:
    import numpy as np
    import sympy as sp

    if isinstance(answer, bool | np.bool_):
        return "bool"
    if isinstance(answer, str):
        return "word"
    if isinstance(answer, sp.MatrixBase) or isinstance(answer, list | tuple | np.ndarray):
        return "array"
    if isinstance(answer, sp.Basic):
        return "formula" if answer.free_symbols else "number"
    if isinstance(answer, int | float | np.integer | np.floating):
        return "number"
    raise TypeError(f"unsupported answer type {type(answer).__name__}")


def _namespace(ex: Exercise) -> dict:
    import sympy as sp

    u = sp.Dummy("u")
    sig = sp.Lambda(u, 1 / (1 + sp.exp(-u)))
    spl = sp.Lambda(u, sp.log(1 + sp.exp(u)))
    relu = sp.Lambda(u, sp.Max(u, 0))
    ns = {name: getattr(sp, name) for name in (
        "exp", "log", "sqrt", "pi", "E", "Abs", "Max", "Min", "sin", "cos", "tan", "tanh",
        "cosh", "sinh",
        "oo", "Matrix", "Rational", "Sum", "Integral", "binomial", "factorial")}
    ns.update(ln=sp.log, abs=sp.Abs, sigma=sig, sigmoid=sig, softplus=spl, zeta=spl, relu=relu,
              e=sp.E, inf=sp.oo)
    ns.update({str(s): s for s in ex.symbols})
    ns.update(ex.functions)
    return ns


def _parse(ex: Exercise, text: str):
    """Parse a string answer with the exercise's symbols; reject unknown names."""
    import sympy as sp
    from sympy.parsing.sympy_parser import (
        convert_xor,
        parse_expr,
        standard_transformations,
    )

    ns = _namespace(ex)
    text = _normalise(text)
    try:
        expr = parse_expr(text, local_dict=ns,
                          global_dict={"__builtins__": {}, **_parser_globals()},
                          transformations=standard_transformations + (convert_xor,),
                          evaluate=True)
    except Exception as err:  # noqa: BLE001 - any parse failure is reported to the student
        raise _Unreadable(f"Could not read the answer {text!r} as a formula "
                          f"({type(err).__name__}); check brackets and operators.") from None
    if isinstance(expr, list | tuple):  # "[3/10, 1/2, 1/5]": an array answer
        try:
            expr = sp.Matrix(expr)
        except (TypeError, ValueError, sp.SympifyError):
            raise _Unreadable(f"Could not read {text!r} as an array of numbers.") from None
    if not _is_sympy(expr):
        expr = sp.sympify(expr)
    allowed = set(ex.symbols)
    unknown = {str(s) for s in expr.free_symbols if s not in allowed}
    unknown |= {str(f.func) for f in expr.atoms(sp.core.function.AppliedUndef)}
    if unknown:
        names = ", ".join(sorted(unknown))
        known = ", ".join(str(s) for s in ex.symbols) or "no symbols (a number is expected)"
        raise _Unreadable(f"Unknown name(s) in the answer: {names}. This exercise uses: {known}.")
    return expr


# Characters a student copies from the page or types on a phone, and their ASCII forms.
_UNICODE = str.maketrans({"\u2212": "-", "\u2013": "-", "\u00d7": "*", "\u22c5": "*",
                          "\u00b7": "*", "\u2044": "/", "\u00a0": " "})
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?(?:/\d+)?"
_SPACED = re.compile(rf"\s*[\[(]?\s*({_NUMBER}(?:\s+{_NUMBER})+)\s*[\])]?\s*")


def _normalise(text: str) -> str:
    """A typed answer in the parser's terms: U+2212 minus (as copied from the page),
    the multiplication signs and non-breaking spaces in ASCII, and numbers separated by
    spaces only ("0.3 0.5 0.2") read as a list."""
    text = text.translate(_UNICODE).strip()
    spaced = _SPACED.fullmatch(text)
    if spaced:
        return "[" + ", ".join(spaced.group(1).split()) + "]"
    return text


def _parser_globals() -> dict:
    """The names the code generated by ``parse_expr`` needs (nothing else)."""
    import sympy as sp

    return {"Symbol": sp.Symbol, "Integer": sp.Integer, "Float": sp.Float,
            "Rational": sp.Rational, "Function": sp.Function}


def _to_sympy(ex: Exercise, answer):
    import numpy as np
    import sympy as sp

    if isinstance(answer, str):
        return _parse(ex, answer)
    if isinstance(answer, bool | np.bool_):
        raise _Unreadable("Expected a formula or a number, got a bool.")
    if isinstance(answer, np.generic):
        answer = answer.item()
    try:
        expr = sp.sympify(answer, strict=True)
    except (sp.SympifyError, TypeError):
        raise _Unreadable(f"Expected a formula or a number, got {type(answer).__name__}.") \
            from None
    # a symbol with the exercise's name but other assumptions stands for the exercise's one
    by_name = {str(s): s for s in ex.symbols}
    expr = expr.subs({s: by_name[s.name] for s in expr.free_symbols
                      if s.name in by_name and s != by_name[s.name]})
    unknown = {str(s) for s in expr.free_symbols if s not in set(ex.symbols)}
    if unknown:
        known = ", ".join(by_name) or "no symbols (a number is expected)"
        raise _Unreadable(f"Unknown name(s) in the answer: {', '.join(sorted(unknown))}. "
                          f"This exercise uses: {known}.")
    return expr


def _close(a: complex, b: complex, ex: Exercise) -> bool:
    return abs(a - b) <= ex.atol + ex.rtol * abs(b)


def _numeric_value(ex: Exercise, value) -> complex:
    import sympy as sp

    expr = _to_sympy(ex, value)
    if expr.free_symbols:
        names = ", ".join(sorted(map(str, expr.free_symbols)))
        raise _Unreadable(f"Expected a number, got a formula in {names}.")
    return complex(sp.N(expr, 30))


def _compare_number(ex: Exercise, answer):
    expected = _numeric_value(ex, ex.answer)
    given = _numeric_value(ex, answer)
    return _close(given, expected, ex), ""


def _sample_points(symbols, count=5):
    """Fixed points where two formulas are compared if SymPy cannot decide."""
    base = (0.37, 1.61, 2.9, 0.83, 4.2, 0.11, 3.3)
    points = []
    for k in range(count):
        pt = {}
        for j, s in enumerate(symbols):
            v = base[(k + 2 * j) % len(base)] + 0.05 * j
            if not (s.is_positive or s.is_nonnegative) and (k + j) % 2:
                v = -v
            if s.is_integer:
                v = round(abs(v)) + 1
            pt[s] = v
        points.append(pt)
    return points


def _compare_formula(ex: Exercise, answer):
    import sympy as sp

    given = _to_sympy(ex, answer)
    expected = sp.sympify(ex.answer)
    if isinstance(given, sp.MatrixBase):
        raise _Unreadable("Expected a single formula, got a matrix.")
    diff = sp.simplify(given - expected)
    if diff == 0:
        return True, ""
    if diff.is_zero is False or (diff.is_number and diff != 0):
        return False, ""
    # SymPy could not decide: compare at fixed points.
    syms = sorted(expected.free_symbols | given.free_symbols, key=str)
    for pt in _sample_points(syms):
        try:
            a, b = complex(sp.N(given.subs(pt), 30)), complex(sp.N(expected.subs(pt), 30))
        except (TypeError, ValueError):
            return False, "could not evaluate the answer"
        if not _close(a, b, ex):
            return False, ""
    return True, "(SymPy could not simplify the difference to 0; checked numerically at 5 points.)"


def _compare_array(ex: Exercise, answer):
    import numpy as np
    import sympy as sp

    expected = sp.Matrix(ex.answer) if not isinstance(ex.answer, sp.MatrixBase) else ex.answer
    if isinstance(answer, str):
        answer = _parse(ex, answer)
    if isinstance(answer, sp.MatrixBase):
        given = answer
    else:
        try:
            given = sp.Matrix(np.asarray(answer, dtype=object).tolist()
                              if not np.isscalar(answer) else [answer])
        except (TypeError, ValueError, sp.SympifyError):
            raise _Unreadable(f"Expected an array of shape {expected.shape}.") from None
    if given.shape != expected.shape:
        # a flat list for a column (or a row) is fine
        if given.shape[::-1] == expected.shape and 1 in given.shape:
            given = given.T
        else:
            raise _Unreadable(f"Expected shape {expected.shape}, got {given.shape}.")
    for g, e in zip(given, expected, strict=True):
        e = sp.sympify(e)
        compare = _COMPARE["formula" if e.free_symbols else "number"]
        ok, _ = compare(replace(ex, answer=e), g)
        if not ok:
            return False, ""
    return True, ""


def _compare_bool(ex: Exercise, answer):
    import numpy as np

    if isinstance(answer, str):
        low = answer.strip().lower()
        if low in {"true", "yes"}:
            answer = True
        elif low in {"false", "no"}:
            answer = False
    if not isinstance(answer, bool | np.bool_):
        raise _Unreadable("Expected True or False.")
    return bool(answer) == bool(ex.answer), ""


def _compare_word(ex: Exercise, answer):
    if not isinstance(answer, str):
        raise _Unreadable("Expected a word (a string).")
    return answer.strip().lower() == ex.answer.strip().lower(), ""


def _compare_function(ex: Exercise, answer):
    if not callable(answer):
        raise _Unreadable("Expected a function (pass the function itself, not its result).")
    try:
        failures = list(ex.tests(answer))
    except Exception as err:  # noqa: BLE001 - the student's code failed: report, never raise
        return False, f"your function raised {type(err).__name__}: {err}"
    if not failures:
        return True, ""
    shown = "; ".join(failures[:3]) + (f" (and {len(failures) - 3} more)"
                                       if len(failures) > 3 else "")
    return False, shown


_COMPARE = {
    "function": _compare_function,
    "formula": _compare_formula,
    "number": _compare_number,
    "array": _compare_array,
    "bool": _compare_bool,
    "word": _compare_word,
}
